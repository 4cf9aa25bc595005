;; A hash map of boxed values: `run n` inserts n keys (a multiplicative hash of i, so spread) with
;; boxed i64 values into a chained table of 65536 buckets (an array of entry lists), updates every
;; third key, then looks each key up and sums the values found, and returns the sum (wrapped).
(module
  (type $box (struct (field $v i64)))
  (type $entry (struct (field $key i32) (field $value (mut (ref $box))) (field $next (ref null $entry))))
  (type $buckets (array (mut (ref null $entry))))

  (func $slot (param $key i32) (result i32)
    (i32.shr_u (i32.mul (local.get $key) (i32.const 0x9e3779b1)) (i32.const 16)))

  (func $find (param $t (ref $buckets)) (param $key i32) (result (ref null $entry))
    (local $e (ref null $entry))
    (local.set $e (array.get $buckets (local.get $t) (call $slot (local.get $key))))
    (block $done (result (ref null $entry))
      (loop $walk
        (br_if $done (local.get $e) (ref.is_null (local.get $e)))
        (br_if $done (local.get $e) (i32.eq (struct.get $entry $key (local.get $e)) (local.get $key)))
        (local.set $e (struct.get $entry $next (local.get $e)))
        (br $walk))
      (unreachable)))

  (func $put (param $t (ref $buckets)) (param $key i32) (param $v i64)
    (local $e (ref null $entry)) (local $s i32)
    (local.set $e (call $find (local.get $t) (local.get $key)))
    (if (ref.is_null (local.get $e))
      (then
        (local.set $s (call $slot (local.get $key)))
        (array.set $buckets (local.get $t) (local.get $s)
          (struct.new $entry (local.get $key) (struct.new $box (local.get $v))
            (array.get $buckets (local.get $t) (local.get $s)))))
      (else (struct.set $entry $value (local.get $e) (struct.new $box (local.get $v))))))

  (func (export "run") (param $n i32) (result i32)
    (local $t (ref $buckets)) (local $i i32) (local $sum i64) (local $e (ref null $entry))
    (local.set $t (array.new_default $buckets (i32.const 65536)))
    (block $inserted
      (loop $insert
        (br_if $inserted (i32.ge_u (local.get $i) (local.get $n)))
        (call $put (local.get $t) (i32.mul (local.get $i) (i32.const 7919)) (i64.extend_i32_u (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $insert)))
    (local.set $i (i32.const 0))
    (block $updated
      (loop $update
        (br_if $updated (i32.ge_u (local.get $i) (local.get $n)))
        (call $put (local.get $t) (i32.mul (local.get $i) (i32.const 7919))
          (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 3)))
        (local.set $i (i32.add (local.get $i) (i32.const 3)))
        (br $update)))
    (local.set $i (i32.const 0))
    (block $looked
      (loop $lookup
        (br_if $looked (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $e (call $find (local.get $t) (i32.mul (local.get $i) (i32.const 7919))))
        (if (i32.eqz (ref.is_null (local.get $e)))
          (then (local.set $sum (i64.add (local.get $sum)
            (struct.get $box $v (struct.get $entry $value (local.get $e)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $lookup)))
    (i32.wrap_i64 (local.get $sum)))
)
