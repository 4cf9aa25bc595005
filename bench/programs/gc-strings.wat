;; A string builder on an `i8` array: `run n` appends the decimal digits of 1..n, each followed by
;; a comma, to a growable byte buffer (doubled with `array.new_default` + `array.copy` when
;; full), then returns the length plus the sum of every byte.
(module
  (type $bytes (array (mut i8)))
  (type $builder (struct (field $buf (mut (ref $bytes))) (field $len (mut i32))))

  ;; Makes room for `extra` more bytes.
  (func $reserve (param $b (ref $builder)) (param $extra i32)
    (local $old (ref $bytes)) (local $new (ref $bytes)) (local $need i32) (local $cap i32)
    (local.set $old (struct.get $builder $buf (local.get $b)))
    (local.set $need (i32.add (struct.get $builder $len (local.get $b)) (local.get $extra)))
    (local.set $cap (array.len (local.get $old)))
    (if (i32.gt_u (local.get $need) (local.get $cap))
      (then
        (loop $grow
          (local.set $cap (i32.shl (local.get $cap) (i32.const 1)))
          (br_if $grow (i32.gt_u (local.get $need) (local.get $cap))))
        (local.set $new (array.new_default $bytes (local.get $cap)))
        (array.copy $bytes $bytes (local.get $new) (i32.const 0) (local.get $old) (i32.const 0)
          (struct.get $builder $len (local.get $b)))
        (struct.set $builder $buf (local.get $b) (local.get $new)))))

  (func $push (param $b (ref $builder)) (param $byte i32)
    (local $len i32)
    (call $reserve (local.get $b) (i32.const 1))
    (local.set $len (struct.get $builder $len (local.get $b)))
    (array.set $bytes (struct.get $builder $buf (local.get $b)) (local.get $len) (local.get $byte))
    (struct.set $builder $len (local.get $b) (i32.add (local.get $len) (i32.const 1))))

  ;; The digits of `v`, most significant first (a temporary array per number).
  (func $push_number (param $b (ref $builder)) (param $v i32)
    (local $digits (ref $bytes)) (local $n i32)
    (local.set $digits (array.new_default $bytes (i32.const 10)))
    (loop $split
      (array.set $bytes (local.get $digits) (local.get $n)
        (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $split (local.tee $v (i32.div_u (local.get $v) (i32.const 10)))))
    (loop $emit
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (call $push (local.get $b) (array.get_u $bytes (local.get $digits) (local.get $n)))
      (br_if $emit (local.get $n))))

  (func (export "run") (param $n i32) (result i32)
    (local $b (ref $builder)) (local $i i32) (local $sum i32) (local $len i32)
    (local.set $b (struct.new $builder (array.new_default $bytes (i32.const 16)) (i32.const 0)))
    (local.set $i (i32.const 1))
    (block $done
      (loop $each
        (br_if $done (i32.gt_u (local.get $i) (local.get $n)))
        (call $push_number (local.get $b) (local.get $i))
        (call $push (local.get $b) (i32.const 44))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (local.set $len (struct.get $builder $len (local.get $b)))
    (local.set $i (i32.const 0))
    (block $summed
      (loop $sum
        (br_if $summed (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $sum (i32.add (local.get $sum)
          (array.get_u $bytes (struct.get $builder $buf (local.get $b)) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sum)))
    (i32.add (local.get $len) (local.get $sum)))
)
