//! Every handler, written once: `define_handlers!` is expanded in `threaded` and in `looped`, each
//! with its own `next` (a tail call to the next op's handler, or a return to the driving loop).
//!
//! A handler's body runs with `ip` at its op and the op's operands bound by name from its payload
//! struct (`isa::fields`); falling off its end continues with the next op. A handler that jumps,
//! calls, returns or changes the memory registers continues itself, always by a `next(...)` (or
//! `enter`/`ret`, which end in one) in tail position, and keeps no value with a destructor alive
//! there. Ops that differ only in where an operand comes from (a slot or an immediate) or in what a
//! comparison leads to (a value or a branch) share one line of semantics: the family macros below
//! generate their handlers. The table from op to handler (`handler_of`) is generated from the
//! instruction set's description, so every op has exactly its own handler (rustfmt skips this
//! file, so that the rows read as the table they are).

/// Defines the handler of op `$name` from its operands (bound from `fields::$name`) and its body.
macro_rules! h {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $name:ident { $($fields:tt)* } => $body:block) => {
        /// The handler of its op.
        ///
        /// # Safety
        /// A handler's: the registers and context satisfy the run invariants (see `Handler`)
        /// for an op of this handler's variant at `ip`.
        // Allowed: handlers are named after their ops (`non_snake_case`); a body need not use every
        // register (`unused_variables`); a body that continues itself ends in `return`, leaving the
        // shared `next` after it unreachable (`unreachable_code`); and the "branch unless" float
        // comparisons mean `!(x op y)`, which is not the opposite comparison when an operand is NaN
        // (`clippy::neg_cmp_op_on_partial_ord`).
        #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments, unreachable_code, clippy::neg_cmp_op_on_partial_ord)]
        pub(super) unsafe fn $name($ip: *const Op, $fp: *mut u64, $mb: *mut u8, $ml: u64, $cx: *mut Cx, mut $acc: u64) -> Exit {
            // SAFETY: the run invariants hold (this function's contract). `Op::new` installs this
            // handler only for ops of its own variant (`handler_of`), so the payload at `ip` is
            // `fields::$name`, as `operands` requires. In the body, slot operands are below the
            // frame size (the translator's bound, which `rd` and `wr` require); memory 0 is
            // accessed at `ea` only after checking `ea + n <= ml`; extension words and `br_table`
            // entries are read where the translator put them, right after the op, and branches
            // land on ops of the same code; a callee's frame is checked with `fits` before it is
            // entered; other memories, tables and globals are reached through the live instance
            // `cx.inst` with the indices validation checked, and the runtime functions bound every
            // access by the entity's current size; the store is reached through `cx.store`, lent
            // exclusively to the run, and no reference into it outlives the handler; a hotness
            // counter operand is the address of one of the module's `hotness` atomics, which the
            // module (kept alive by the instance) owns. Every continuation (`next`, `enter`,
            // `ret`, ...) gets registers for which the run invariants hold again.
            unsafe {
                let crate::interp::isa::fields::$name { $($fields)* } = operands(&raw const (*$ip).instr);
                $body
                next($ip.add(1), $fp, $mb, $ml, $cx, $acc)
            }
        }
    };
}

/// The immediate of an integer op as an operand of type `$t` (i64 immediates are sign-extended).
macro_rules! imm_as {
    (u32, $imm:expr) => {
        $imm as u32
    };
    (u64, $imm:expr) => {
        $imm as i64 as u64
    };
}

/// A slot's bits as a value of type `$t`.
macro_rules! slot_as {
    (u32, $v:expr) => {
        $v as u32
    };
    (u64, $v:expr) => {
        $v
    };
    (f32, $v:expr) => {
        f32::from_bits($v as u32)
    };
    (f64, $v:expr) => {
        f64::from_bits($v)
    };
}

/// Integer binary operators: `dst = lhs op rhs`, and `dst = lhs op imm` when the op has that form.
macro_rules! int_binary {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $t:tt: $op:ident $(, $imm_op:ident)? => |$x:ident, $y:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, lhs, rhs } => { let ($x, $y) = (slot_as!($t, rd($fp, lhs)), slot_as!($t, rd($fp, rhs))); $acc = ($e) as u64; wr($fp, dst, $acc); });
        $( h!($ip, $fp, $mb, $ml, $cx, $acc; $imm_op { dst, lhs, imm } => { let ($x, $y) = (slot_as!($t, rd($fp, lhs)), imm_as!($t, imm)); $acc = ($e) as u64; wr($fp, dst, $acc); }); )?
    };
}

/// Integer comparisons in their four forms: a value from two slots or a slot and an immediate, and
/// a branch on the same; given four more names after `;`, also their accumulator forms
/// (`int_compare_acc`), so that each predicate is written once.
macro_rules! int_compare {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $t:tt: $op:ident, $imm_op:ident, $br:ident, $br_imm:ident; $op_a:ident, $imm_op_a:ident, $br_a:ident, $br_imm_a:ident => |$x:ident, $y:ident| $e:expr) => {
        int_compare!($ip, $fp, $mb, $ml, $cx, $acc; $t: $op, $imm_op, $br, $br_imm => |$x, $y| $e);
        int_compare_acc!($ip, $fp, $mb, $ml, $cx, $acc; $t: $op_a, $imm_op_a, $br_a, $br_imm_a => |$x, $y| $e);
    };
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $t:tt: $op:ident, $imm_op:ident, $br:ident, $br_imm:ident => |$x:ident, $y:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, lhs, rhs } => { let ($x, $y) = (slot_as!($t, rd($fp, lhs)), slot_as!($t, rd($fp, rhs))); $acc = ($e) as u64; wr($fp, dst, $acc); });
        h!($ip, $fp, $mb, $ml, $cx, $acc; $imm_op { dst, lhs, imm } => { let ($x, $y) = (slot_as!($t, rd($fp, lhs)), imm_as!($t, imm)); $acc = ($e) as u64; wr($fp, dst, $acc); });
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br { lhs, rhs, offset } => { let ($x, $y) = (slot_as!($t, rd($fp, lhs)), slot_as!($t, rd($fp, rhs))); if $e { return next($ip.offset(1 + offset as isize), $fp, $mb, $ml, $cx, $acc); } });
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br_imm { lhs, imm, offset } => { let ($x, $y) = (slot_as!($t, rd($fp, lhs)), imm_as!($t, imm)); if $e { return next($ip.offset(1 + offset as isize), $fp, $mb, $ml, $cx, $acc); } });
    };
}

/// Test-and-branch: jumps when `|x| ...` holds of `lhs & rhs` (`u32`), the right operand from a
/// slot or an immediate.
macro_rules! int_test {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $br:ident, $br_imm:ident => |$x:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br { lhs, rhs, offset } => { let $x = (rd($fp, lhs) as u32) & (rd($fp, rhs) as u32); if $e { return next($ip.offset(1 + offset as isize), $fp, $mb, $ml, $cx, $acc); } });
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br_imm { lhs, imm, offset } => { let $x = (rd($fp, lhs) as u32) & (imm as u32); if $e { return next($ip.offset(1 + offset as isize), $fp, $mb, $ml, $cx, $acc); } });
    };
}

/// Wide arithmetic: 128-bit operators on pairs of 64-bit slots (`|x, y| ...` on `u128`s), the result
/// in `dst` and `dst + 1`, low half first. The pair forms take their right operand from the
/// extension word; the product forms extend two 64-bit operands (`|v| ...` converts each).
macro_rules! wide {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; pair $op:ident => |$x:ident, $y:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, lhs_lo, lhs_hi } => {
            let (rhs_lo, rhs_hi) = ext($ip);
            let $x = rd($fp, lhs_lo) as u128 | (rd($fp, lhs_hi) as u128) << 64;
            let $y = rd($fp, rhs_lo) as u128 | (rd($fp, rhs_hi) as u128) << 64;
            let r: u128 = $e;
            wr($fp, dst, r as u64);
            wr($fp, dst + 1, (r >> 64) as u64);
            return next($ip.add(2), $fp, $mb, $ml, $cx, $acc);
        });
    };
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; product $op:ident => |$v:ident| $ext:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, lhs, rhs } => {
            let product = { let $v = rd($fp, lhs); $ext }.wrapping_mul({ let $v = rd($fp, rhs); $ext });
            wr($fp, dst, product as u64);
            wr($fp, dst + 1, (product >> 64) as u64);
        });
    };
}

/// Float binary operators: `dst = lhs op rhs`.
macro_rules! float_binary {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $t:tt: $op:ident => |$x:ident, $y:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, lhs, rhs } => { let ($x, $y) = (slot_as!($t, rd($fp, lhs)), slot_as!($t, rd($fp, rhs))); $acc = ($e).to_bits() as u64; wr($fp, dst, $acc); });
    };
}

/// Float comparisons: a value, a branch when it holds, and a branch when it does not (which is not
/// the opposite comparison when an operand is NaN).
macro_rules! float_compare {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $t:tt: $op:ident, $br:ident, $br_not:ident => |$x:ident, $y:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, lhs, rhs } => { let ($x, $y) = (slot_as!($t, rd($fp, lhs)), slot_as!($t, rd($fp, rhs))); $acc = ($e) as u64; wr($fp, dst, $acc); });
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br { lhs, rhs, offset } => { let ($x, $y) = (slot_as!($t, rd($fp, lhs)), slot_as!($t, rd($fp, rhs))); if $e { return next($ip.offset(1 + offset as isize), $fp, $mb, $ml, $cx, $acc); } });
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br_not { lhs, rhs, offset } => { let ($x, $y) = (slot_as!($t, rd($fp, lhs)), slot_as!($t, rd($fp, rhs))); if !($e) { return next($ip.offset(1 + offset as isize), $fp, $mb, $ml, $cx, $acc); } });
    };
}

/// Unary operators: `dst = op src`, the result as slot bits (`$t` is the operand's type).
macro_rules! unary {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $t:tt: $op:ident => |$x:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, src } => { let $x = slot_as!($t, rd($fp, src)); $acc = $e; wr($fp, dst, $acc); });
    };
}

/// Conversions that trap: `dst = op src` or the trap `op` reports.
macro_rules! trapping_unary {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $t:tt: $op:ident => $f:path, |$v:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, src } => { match $f(slot_as!($t, rd($fp, src))) { Ok($v) => wr($fp, dst, $e), Err(c) => return trap($ip, $fp, $cx, c) }; });
    };
}

/// Loads from memory 0 (32-bit) of `$n` bytes, converted to slot bits by `|bytes| ...`: at
/// `addr + offset`, and, when the op has those forms, at `base + index` and at `base + imm`.
macro_rules! load {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $n:literal: $op:ident $(, $idx:ident, $add_imm:ident)? => |$b:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, addr, offset } => { let ea = rd($fp, addr) as u32 as u64 + offset as u64; if ea + $n > $ml { return beyond_ml($ip, $fp, $mb, $ml, $cx, $acc) } let $b = load::<$n>($mb, ea); $acc = $e; wr($fp, dst, $acc); });
        $(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $idx { dst, base, index } => { let ea = (rd($fp, base) as u32).wrapping_add(rd($fp, index) as u32) as u64; if ea + $n > $ml { return beyond_ml($ip, $fp, $mb, $ml, $cx, $acc) } let $b = load::<$n>($mb, ea); $acc = $e; wr($fp, dst, $acc); });
        h!($ip, $fp, $mb, $ml, $cx, $acc; $add_imm { dst, base, imm } => { let ea = (rd($fp, base) as u32).wrapping_add(imm as u32) as u64; if ea + $n > $ml { return beyond_ml($ip, $fp, $mb, $ml, $cx, $acc) } let $b = load::<$n>($mb, ea); $acc = $e; wr($fp, dst, $acc); });
        )?
    };
}

/// Stores to memory 0 (32-bit) of the low `$n` bytes of a value (`|v| bytes`, `v` a `u64`): from a
/// slot at `addr + offset`, and, when the op has those forms, of an immediate (sign-extended) at
/// `addr + offset`, and from a slot or an immediate at `base + index`.
macro_rules! store {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $n:literal: $op:ident $(, $imm:ident, $idx:ident, $idx_imm:ident)? => |$v:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { addr, value, offset } => { let ea = rd($fp, addr) as u32 as u64 + offset as u64; if ea + $n > $ml { return beyond_ml($ip, $fp, $mb, $ml, $cx, $acc) } let $v = rd($fp, value); store($mb, ea, $e); });
        $(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $imm { addr, value, offset } => { let ea = rd($fp, addr) as u32 as u64 + offset as u64; if ea + $n > $ml { return beyond_ml($ip, $fp, $mb, $ml, $cx, $acc) } let $v = value as i64 as u64; store($mb, ea, $e); });
        h!($ip, $fp, $mb, $ml, $cx, $acc; $idx { base, index, value } => { let ea = (rd($fp, base) as u32).wrapping_add(rd($fp, index) as u32) as u64; if ea + $n > $ml { return beyond_ml($ip, $fp, $mb, $ml, $cx, $acc) } let $v = rd($fp, value); store($mb, ea, $e); });
        h!($ip, $fp, $mb, $ml, $cx, $acc; $idx_imm { base, index, value } => { let ea = (rd($fp, base) as u32).wrapping_add(rd($fp, index) as u32) as u64; if ea + $n > $ml { return beyond_ml($ip, $fp, $mb, $ml, $cx, $acc) } let $v = value as i64 as u64; store($mb, ea, $e); });
        )?
    };
}

/// Accumulator forms of integer binary operators: `dst = acc op rhs` (and `acc op imm`), where
/// `acc` is the value the op before wrote (see `translate::acc`).
macro_rules! int_binary_acc {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $t:tt: $op:ident $(, $imm_op:ident)? => |$x:ident, $y:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, rhs } => { let ($x, $y) = (slot_as!($t, $acc), slot_as!($t, rd($fp, rhs))); $acc = ($e) as u64; wr($fp, dst, $acc); });
        $( h!($ip, $fp, $mb, $ml, $cx, $acc; $imm_op { dst, imm } => { let ($x, $y) = (slot_as!($t, $acc), imm_as!($t, imm)); $acc = ($e) as u64; wr($fp, dst, $acc); }); )?
    };
}

/// Accumulator forms of float binary operators: `dst = acc op rhs`.
macro_rules! float_binary_acc {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $t:tt: $op:ident => |$x:ident, $y:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, rhs } => { let ($x, $y) = (slot_as!($t, $acc), slot_as!($t, rd($fp, rhs))); $acc = ($e).to_bits() as u64; wr($fp, dst, $acc); });
    };
}

/// Accumulator forms of integer comparisons, with `acc` on the left: a value (`dst = acc op rhs`,
/// or `acc op imm`), and a branch on the same.
macro_rules! int_compare_acc {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $t:tt: $op:ident, $imm_op:ident, $br:ident, $br_imm:ident => |$x:ident, $y:ident| $e:expr) => {
        int_binary_acc!($ip, $fp, $mb, $ml, $cx, $acc; $t: $op, $imm_op => |$x, $y| $e);
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br { rhs, offset } => { let ($x, $y) = (slot_as!($t, $acc), slot_as!($t, rd($fp, rhs))); if $e { return next($ip.offset(1 + offset as isize), $fp, $mb, $ml, $cx, $acc); } });
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br_imm { imm, offset } => { let ($x, $y) = (slot_as!($t, $acc), imm_as!($t, imm)); if $e { return next($ip.offset(1 + offset as isize), $fp, $mb, $ml, $cx, $acc); } });
    };
}

/// Accumulator forms of loads from memory 0: at `acc + offset`.
macro_rules! load_acc {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $n:literal: $op:ident => |$b:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, offset } => { let ea = $acc as u32 as u64 + offset as u64; if ea + $n > $ml { return beyond_ml($ip, $fp, $mb, $ml, $cx, $acc) } let $b = load::<$n>($mb, ea); $acc = $e; wr($fp, dst, $acc); });
    };
}

/// Accumulator forms of stores to memory 0: of `acc` at `addr + offset`.
macro_rules! store_acc {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $n:literal: $op:ident => |$v:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { addr, offset } => { let ea = rd($fp, addr) as u32 as u64 + offset as u64; if ea + $n > $ml { return beyond_ml($ip, $fp, $mb, $ml, $cx, $acc) } let $v = $acc; store($mb, ea, $e); });
    };
}

/// Accumulator forms of unary operators: `dst = op acc`.
macro_rules! unary_acc {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $t:tt: $op:ident => |$x:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst } => { let $x = slot_as!($t, $acc); $acc = $e; wr($fp, dst, $acc); });
    };
}

/// Accumulator forms of binary operators that do not commute, with `acc` on the right:
/// `dst = lhs op acc`.
macro_rules! binary_acc_rhs {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $t:tt: $op:ident => |$x:ident, $y:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, lhs } => { let ($x, $y) = (slot_as!($t, rd($fp, lhs)), slot_as!($t, $acc)); $acc = binary_acc_rhs!(@bits $t, $e); wr($fp, dst, $acc); });
    };
    (@bits u32, $e:expr) => { ($e) as u64 };
    (@bits u64, $e:expr) => { $e };
    (@bits f32, $e:expr) => { ($e).to_bits() as u64 };
    (@bits f64, $e:expr) => { ($e).to_bits() };
}

/// Accumulator forms of test-and-branch: jump when `|x| ...` holds of `acc & rhs` (`u32`), the
/// right operand from a slot or an immediate.
macro_rules! int_test_acc {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $br:ident, $br_imm:ident => |$x:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br { rhs, offset } => { let $x = ($acc as u32) & (rd($fp, rhs) as u32); if $e { return next($ip.offset(1 + offset as isize), $fp, $mb, $ml, $cx, $acc); } });
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br_imm { imm, offset } => { let $x = ($acc as u32) & (imm as u32); if $e { return next($ip.offset(1 + offset as isize), $fp, $mb, $ml, $cx, $acc); } });
    };
}

/// Loop steps: `var += imm` (i32, in place, the new value also in `acc`), then jump when
/// `|x, y| ...` holds of the new value and the extension word's `a` (read as a slot, or as an
/// immediate in the `Imm` form); otherwise continue after the extension word. Leaving the loop is
/// marked the cold way, which also keeps the compiler from turning the two ways on into one
/// conditional move (whose next address then waits for the compare, where a predicted branch does
/// not).
macro_rules! step_compare {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $br:ident, $br_imm:ident => |$x:ident, $y:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br { var, imm, offset } => { let rhs = operands::<crate::interp::isa::fields::Ext>(&raw const (*$ip.add(1)).instr).a; $acc = (rd($fp, var) as u32).wrapping_add(imm as u32) as u64; wr($fp, var, $acc); let ($x, $y) = ($acc as u32, rd($fp, rhs) as u32); if $e { return next($ip.offset(2 + offset as isize), $fp, $mb, $ml, $cx, $acc); } std::hint::cold_path(); return next($ip.add(2), $fp, $mb, $ml, $cx, $acc); });
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br_imm { var, imm, offset } => { let rhs = operands::<crate::interp::isa::fields::Ext>(&raw const (*$ip.add(1)).instr).a; $acc = (rd($fp, var) as u32).wrapping_add(imm as u32) as u64; wr($fp, var, $acc); let ($x, $y) = ($acc as u32, rhs); if $e { return next($ip.offset(2 + offset as isize), $fp, $mb, $ml, $cx, $acc); } std::hint::cold_path(); return next($ip.add(2), $fp, $mb, $ml, $cx, $acc); });
    };
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $br:ident) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br { var, imm, offset } => { $acc = (rd($fp, var) as u32).wrapping_add(imm as u32) as u64; wr($fp, var, $acc); return next($ip.offset(2 + offset as isize), $fp, $mb, $ml, $cx, $acc); });
    };
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $br:ident => |$x:ident| $e:expr) => {
        h!($ip, $fp, $mb, $ml, $cx, $acc; $br { var, imm, offset } => { $acc = (rd($fp, var) as u32).wrapping_add(imm as u32) as u64; wr($fp, var, $acc); let $x = $acc as u32; if $e { return next($ip.offset(2 + offset as isize), $fp, $mb, $ml, $cx, $acc); } std::hint::cold_path(); return next($ip.add(2), $fp, $mb, $ml, $cx, $acc); });
    };
}

/// The table from op to handler, generated from the description of the instruction set: an arm
/// per op, each naming the handler of the same name.
macro_rules! handler_table {
    ($( $(#[$meta:meta])* $cat:ident $name:ident { $($field:ident : $kind:tt),* $(,)? } $(+ $word:ident)?; )*) => {
        /// The handler of an instruction.
        pub(super) fn handler_of(instr: &Instr) -> Handler {
            match instr {
                $( Instr::$name { .. } => $name, )*
            }
        }
    };
}

pub(super) use {
    binary_acc_rhs, float_binary, float_binary_acc, float_compare, h, handler_table, imm_as,
    int_binary, int_binary_acc, int_compare, int_compare_acc, int_test, int_test_acc, load,
    load_acc, slot_as, step_compare, store, store_acc, trapping_unary, unary, unary_acc, wide,
};

macro_rules! define_handlers {
    () => {
        use std::ptr;

        use super::handlers::{binary_acc_rhs, float_binary, float_binary_acc, float_compare, h, handler_table, imm_as, int_binary, int_binary_acc, int_compare, int_compare_acc, int_test, int_test_acc, load, load_acc, slot_as, step_compare, store, store_acc, trapping_unary, unary, unary_acc, wide};
        use super::calls;
        use crate::runtime::memory as rtm;
        use crate::runtime::table as rtt;
        use super::semantics as sem;
        use super::{Cx, Exit, Frame, Handler, Op, callee_code, ext, fits, func_at, global_at, internal_error, load, mem_regs, meter_refill, quota_exceeded, rd, slow, stack_exhausted, store, trap, wr};
        use crate::func::{FuncEntity, FuncKind};
        use crate::instance::InstanceData;
        use crate::interp::code::InterpFunc;
        use crate::interp::isa::{Instr, Slot, operands};
        use crate::trap::TrapCode;
        use crate::vm::slots::slot_count;

        /// Enters `callee` (of instance `callee_inst`) with its frame at `new_fp`; the caller, whose
        /// call op is at `ip`, resumes at `resume`.
        ///
        /// # Safety
        /// The registers and context satisfy the run invariants (see `Handler`); `resume` is the
        /// op of the caller's code after the call (and its extension word); `callee` is the code of
        /// a defined function of `callee_inst`, a live instance of the run's store; `new_fp` is
        /// inside the caller's frame, where the translator put the call's arguments.
        #[inline(always)]
        // Allowed: the five registers every handler passes on, plus what the call needs; inlined.
        #[allow(clippy::too_many_arguments)]
        unsafe fn enter(ip: *const Op, resume: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx,
                        callee: *const InterpFunc, new_fp: *mut u64, callee_inst: *const InstanceData) -> Exit {
            // SAFETY: the run invariants hold and `callee`, `callee_inst` and `new_fp` are as this
            // function's contract says. Nothing is written before the checks: the callee's
            // `frame_size` slots at `new_fp` fit below the value stack's end (`fits`, comparing
            // addresses as integers), and `depth < max_depth`, at most the frame array's length,
            // so `frames + depth` is a slot of that array. The caller's registers are saved there,
            // and the callee continues with its own code's first op, its frame initialized by
            // `init_frame`, and `mb`/`ml` reloaded when the instance changes: the run invariants
            // hold for it.
            unsafe {
                if !fits(new_fp, (*callee).frame_size as usize, (*cx).stack_end) || (*cx).depth >= (*cx).max_depth {
                    return stack_exhausted(ip, fp, cx);
                }
                (*cx).frames.add((*cx).depth).write(Frame { func: (*cx).func, ip: resume, fp, inst: (*cx).inst });
                (*cx).depth += 1;
                (*callee).init_frame(new_fp);
                (*cx).func = callee;
                let (mb, ml) = if callee_inst != (*cx).inst {
                    (*cx).inst = callee_inst;
                    mem_regs(callee_inst)
                } else {
                    (mb, ml)
                };
                next((*callee).code.as_ptr(), new_fp, mb, ml, cx, 0)
            }
        }

        /// Replaces the current frame with `callee`, whose arguments are at `fp + base`.
        ///
        /// # Safety
        /// The registers and context satisfy the run invariants (see `Handler`); `callee` is the
        /// code of a defined function of `callee_inst`, a live instance of the run's store, whose
        /// `num_params` argument slots the translator put at `fp + base`, inside the frame.
        #[inline(always)]
        // Allowed: the five registers every handler passes on, plus what the call needs; inlined.
        #[allow(clippy::too_many_arguments)]
        unsafe fn tail_enter(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx,
                             callee: *const InterpFunc, base: Slot, callee_inst: *const InstanceData) -> Exit {
            // SAFETY: the run invariants hold and `callee`, `callee_inst` and `base` are as this
            // function's contract says. The arguments move down within the current frame (`copy`
            // allows the overlap). The callee's `frame_size` slots at `fp` are checked to fit below
            // the value stack's end (`fits`, comparing addresses as integers) before `init_frame`
            // writes them; the callee continues with its own code's first op and `mb`/`ml`
            // reloaded when the instance changes, so the run invariants hold for it.
            unsafe {
                ptr::copy(fp.add(base as usize), fp, (*callee).num_params as usize);
                if !fits(fp, (*callee).frame_size as usize, (*cx).stack_end) {
                    return trap(ip, fp, cx, TrapCode::StackOverflow);
                }
                (*callee).init_frame(fp);
                (*cx).func = callee;
                let (mb, ml) = if callee_inst != (*cx).inst {
                    (*cx).inst = callee_inst;
                    mem_regs(callee_inst)
                } else {
                    (mb, ml)
                };
                next((*callee).code.as_ptr(), fp, mb, ml, cx, 0)
            }
        }

        /// Returns to the caller (the results are in the first slots of the frame), or ends the
        /// run when the function it started with returns.
        ///
        /// # Safety
        /// `cx` satisfies the run invariants (see `Handler`).
        #[inline(always)]
        unsafe fn ret(cx: *mut Cx) -> Exit {
            // SAFETY: `cx` is the live run's context (this function's contract). Above
            // `entry_depth`, `frames[depth - 1]` is the caller `enter` saved, with its function,
            // live instance, frame and the op it resumes at, so continuing there, with `mb`/`ml`
            // reloaded from its instance, keeps the run invariants.
            unsafe {
                if (*cx).depth == (*cx).entry_depth {
                    return Exit::Done;
                }
                (*cx).depth -= 1;
                let caller = (*cx).frames.add((*cx).depth).read();
                (*cx).func = caller.func;
                (*cx).inst = caller.inst;
                let (mb, ml) = mem_regs(caller.inst);
                next(caller.ip, caller.fp, mb, ml, cx, 0)
            }
        }

        /// `ret` from a return instruction, whose `mb`/`ml` are current for the returning
        /// function's instance: the caller keeps them when it is of the same instance (a growth
        /// in the callee is in them already), and reloads them only from another instance.
        ///
        /// # Safety
        /// `cx` satisfies the run invariants (see `Handler`) with `mb` and `ml`.
        #[inline(always)]
        unsafe fn ret_from(cx: *mut Cx, mb: *mut u8, ml: u64) -> Exit {
            // SAFETY: as `ret`; `mb`/`ml` are memory 0's registers for `cx.inst` (contract), so
            // for a caller of the same instance they are its registers too.
            unsafe {
                if (*cx).depth == (*cx).entry_depth {
                    return Exit::Done;
                }
                (*cx).depth -= 1;
                let caller = (*cx).frames.add((*cx).depth).read();
                (*cx).func = caller.func;
                let (mb, ml) = if caller.inst == (*cx).inst {
                    (mb, ml)
                } else {
                    (*cx).inst = caller.inst;
                    mem_regs(caller.inst)
                };
                next(caller.ip, caller.fp, mb, ml, cx, 0)
            }
        }

        /// The out-of-bounds path of every fast access to memory 0 (scalar, `v128` and atomic):
        /// `ml` may be stale when memory 0 is shared, since another thread may have grown it
        /// since the registers were loaded. When it has, the op at `ip` runs again with the
        /// current length; otherwise, or once the length caught up, the access traps. Out of
        /// line and only on this path, so memories that are not shared pay nothing.
        ///
        /// # Safety
        /// The registers and context satisfy the run invariants (see `Handler`) for the op at
        /// `ip`.
        #[cold]
        #[inline(never)]
        unsafe fn beyond_ml(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx, acc: u64) -> Exit {
            // SAFETY: the run invariants hold (this function's contract), so `cx.inst` is live;
            // a shared memory never moves, so `mb` is still its base, and the length read now is
            // one it has at least (growth publishes a length once its pages are committed): the
            // run invariants hold for the op at `ip` with it.
            unsafe {
                match super::grown_memory0((*cx).inst, ml) {
                    Some(len) => next(ip, fp, mb, len, cx, acc),
                    None => trap(ip, fp, cx, TrapCode::MemoryOutOfBounds),
                }
            }
        }

        /// After an op followed by an extension word: continue past both, or trap.
        ///
        /// # Safety
        /// The registers and context satisfy the run invariants (see `Handler`) for an op at `ip`
        /// that the translator follows with an extension word.
        #[inline(always)]
        unsafe fn past_ext(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx, acc: u64,
                           outcome: Result<(), TrapCode>) -> Exit {
            // SAFETY: the run invariants hold (this function's contract), and the op at `ip` is
            // followed by its extension word and then the next op of the same code, at `ip + 2`.
            unsafe {
                match outcome {
                    Ok(()) => next(ip.add(2), fp, mb, ml, cx, acc),
                    Err(c) => trap(ip, fp, cx, c),
                }
            }
        }

        /// Calls any function: another instance's (entered in this run) or the host's.
        ///
        /// # Safety
        /// The registers and context satisfy the run invariants (see `Handler`); `resume` is the
        /// op of the caller's code after the call (and its extension word); `target` is a live
        /// function entity of the run's store (whose instance, for a WebAssembly function, is
        /// live too); the call's arguments are at `fp + base`, inside the frame.
        #[inline(always)]
        // Allowed: the five registers every handler passes on, plus what the call needs; inlined.
        #[allow(clippy::too_many_arguments)]
        unsafe fn call_entity(ip: *const Op, resume: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx,
                              target: *const FuncEntity, base: Slot) -> Exit {
            // SAFETY: `target` is a live function entity of the run's store (this function's
            // contract), so its `kind` may be read. A WebAssembly function names its live
            // instance and one of its module's defined functions, as `callee_code` and `enter`
            // require; a host function is live, as `call_host` requires, and on success leaves the
            // memory registers to continue with in the context.
            unsafe {
                match &(*target).kind {
                    FuncKind::Wasm { instance, def_index, .. } => {
                        let callee_inst = instance.as_ptr().cast_const();
                        let callee = callee_code(ip, fp, cx, callee_inst, *def_index);
                        if callee.is_null() {
                            return Exit::Trap;
                        }
                        enter(ip, resume, fp, mb, ml, cx, callee, fp.add(base as usize), callee_inst)
                    }
                    FuncKind::Host(host) => {
                        if !calls::call_host(ip, fp, cx, &**host, base) {
                            return Exit::Trap;
                        }
                        next(resume, fp, (*cx).mb, (*cx).ml, cx, 0)
                    }
                }
            }
        }

        /// Tail-calls any function; a host function is called, then the current frame returns.
        ///
        /// # Safety
        /// The registers and context satisfy the run invariants (see `Handler`); `target` is a
        /// live function entity of the run's store (whose instance, for a WebAssembly function,
        /// is live too); the call's arguments are at `fp + base`, inside the frame.
        #[inline(always)]
        unsafe fn tail_call_entity(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx,
                                   target: *const FuncEntity, base: Slot) -> Exit {
            // SAFETY: `target` is a live function entity of the run's store (this function's
            // contract), so its `kind` may be read. A WebAssembly function names its live
            // instance and one of its module's defined functions, as `callee_code` and
            // `tail_enter` require. A host function is live, as `call_host` requires; once it
            // succeeded (which checked that its slots fit the value stack), its results are at
            // `fp + base` and move down to the frame's first slots, which `ret` returns.
            unsafe {
                match &(*target).kind {
                    FuncKind::Wasm { instance, def_index, .. } => {
                        let callee_inst = instance.as_ptr().cast_const();
                        let callee = callee_code(ip, fp, cx, callee_inst, *def_index);
                        if callee.is_null() {
                            return Exit::Trap;
                        }
                        tail_enter(ip, fp, mb, ml, cx, callee, base, callee_inst)
                    }
                    FuncKind::Host(host) => {
                        if !calls::call_host(ip, fp, cx, &**host, base) {
                            return Exit::Trap;
                        }
                        ptr::copy(fp.add(base as usize), fp, slot_count(&host.ty.results));
                        ret(cx)
                    }
                }
            }
        }

        // ---- moves and constants
        h!(ip, fp, mb, ml, cx, acc; Copy { dst, src } => { acc = rd(fp, src); wr(fp, dst, acc); });
        h!(ip, fp, mb, ml, cx, acc; Const32 { dst, value } => { wr(fp, dst, value as u64); });
        h!(ip, fp, mb, ml, cx, acc; Const64 { dst, value } => { wr(fp, dst, value.get()); });
        h!(ip, fp, mb, ml, cx, acc; Select { dst, a, b } => {
            let (cond, _) = ext(ip);
            wr(fp, dst, if rd(fp, cond) as u32 != 0 { rd(fp, a) } else { rd(fp, b) });
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; Copy128 { dst, src } => { let (lo, hi) = (rd(fp, src), rd(fp, src + 1)); wr(fp, dst, lo); wr(fp, dst + 1, hi); });
        h!(ip, fp, mb, ml, cx, acc; Select128 { dst, a, b } => {
            let (cond, _) = ext(ip);
            let src = if rd(fp, cond) as u32 != 0 { a } else { b };
            let (lo, hi) = (rd(fp, src), rd(fp, src + 1));
            wr(fp, dst, lo);
            wr(fp, dst + 1, hi);
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; SelectInPlace { dst, cond, src } => { if rd(fp, cond) as u32 == 0 { wr(fp, dst, rd(fp, src)); } });

        // ---- control
        h!(ip, fp, mb, ml, cx, acc; Br { offset } => { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx, acc); });
        h!(ip, fp, mb, ml, cx, acc; BrIfNez { cond, offset } => { if rd(fp, cond) as u32 != 0 { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx, acc); } });
        h!(ip, fp, mb, ml, cx, acc; BrIfEqz { cond, offset } => { if rd(fp, cond) as u32 == 0 { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx, acc); } });
        h!(ip, fp, mb, ml, cx, acc; BrIfNez64 { cond, offset } => { if rd(fp, cond) != 0 { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx, acc); } });
        h!(ip, fp, mb, ml, cx, acc; BrIfEqz64 { cond, offset } => { if rd(fp, cond) == 0 { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx, acc); } });
        /// Where a branch table goes for index `i`: entry `min(i, len)` of those from `entries` on,
        /// its jump taken here.
        ///
        /// # Safety
        /// `entries` is the first of the `len + 1` entries the translator put after the table op.
        #[inline(always)]
        unsafe fn br_table_target(entries: *const Op, i: u32, len: u32) -> *const Op {
            // SAFETY: entry `min(i, len)` is one of the table's entries (this function's
            // contract), and an entry that is a `Br` jumps to an op of the same code.
            unsafe {
                let entry = entries.add(i.min(len) as usize);
                match (*entry).instr {
                    Instr::Br { offset } => entry.offset(1 + offset as isize),
                    _ => entry,
                }
            }
        }
        h!(ip, fp, mb, ml, cx, acc; BrTable { index, len } => {
            return next(br_table_target(ip.add(1), rd(fp, index) as u32, len), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; BrTableAddImm { index, bias, len } => {
            let i = (rd(fp, index) as u32).wrapping_add(bias as u32);
            return next(br_table_target(ip.add(2), i, len), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; BrTableAddImmA { bias, len } => {
            let i = (acc as u32).wrapping_add(bias as u32);
            return next(br_table_target(ip.add(2), i, len), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; Return0 {} => { return ret_from(cx, mb, ml); });
        h!(ip, fp, mb, ml, cx, acc; Return1 { src } => { wr(fp, 0, rd(fp, src)); return ret_from(cx, mb, ml); });
        h!(ip, fp, mb, ml, cx, acc; ReturnSpan { src, len } => {
            for i in 0..len {
                wr(fp, i, rd(fp, src + i));
            }
            return ret_from(cx, mb, ml);
        });
        h!(ip, fp, mb, ml, cx, acc; Unreachable {} => { return trap(ip, fp, cx, TrapCode::Unreachable); });
        h!(ip, fp, mb, ml, cx, acc; Throw { tag, base } => { return super::exn::throw(ip, fp, cx, tag, base); });
        h!(ip, fp, mb, ml, cx, acc; ThrowRef { src } => { return super::exn::throw_ref(ip, fp, cx, rd(fp, src)); });
        h!(ip, fp, mb, ml, cx, acc; Catch { dst, exn, mode } => {
            if !super::exn::catch(ip, fp, cx, dst, exn, mode) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx, acc; Check { cost } => {
            let budget = &mut (*(*cx).store).meter.budget;
            *budget -= cost as i64;
            if *budget < 0 && !meter_refill(ip, fp, cx) {
                return Exit::Trap;
            }
        });

        h!(ip, fp, mb, ml, cx, acc; Hotness { counter } => {
            // A plain load and store: a lost decrement between threads only delays tier-up.
            let counter = &*(counter.get() as usize as *const std::sync::atomic::AtomicU32);
            let left = counter.load(std::sync::atomic::Ordering::Relaxed);
            if left == 0 {
                calls::hot(cx);
            } else {
                counter.store(left - 1, std::sync::atomic::Ordering::Relaxed);
            }
        });
        h!(ip, fp, mb, ml, cx, acc; LoopHotness { offset, counter } => {
            let counter = &*(counter.get() as usize as *const std::sync::atomic::AtomicU32);
            let left = counter.load(std::sync::atomic::Ordering::Relaxed);
            if left == 0 {
                match calls::hot_loop(fp, cx, offset) {
                    calls::LoopExit::Stay => {}
                    calls::LoopExit::Returned => return ret(cx),
                    calls::LoopExit::Trapped => return Exit::Trap,
                }
            } else {
                counter.store(left - 1, std::sync::atomic::Ordering::Relaxed);
            }
        });
        h!(ip, fp, mb, ml, cx, acc; CallNative { def } => {
            if !calls::call_native(ip, fp, cx, def) {
                return Exit::Trap;
            }
            return ret(cx);
        });

        // ---- calls
        h!(ip, fp, mb, ml, cx, acc; CallInternal { func, base } => {
            let callee = callee_code(ip, fp, cx, (*cx).inst, func);
            if callee.is_null() {
                return Exit::Trap;
            }
            return enter(ip, ip.add(1), fp, mb, ml, cx, callee, fp.add(base as usize), (*cx).inst);
        });
        h!(ip, fp, mb, ml, cx, acc; CallImported { func, base } => {
            return call_entity(ip, ip.add(1), fp, mb, ml, cx, func_at((*cx).inst, func), base);
        });
        h!(ip, fp, mb, ml, cx, acc; CallIndirect { table, ty, base } => {
            let (index, id) = ext(ip);
            let target = calls::indirect_target(ip, fp, cx, table, ty, id, rd(fp, index));
            if target.is_null() {
                return Exit::Trap;
            }
            return call_entity(ip, ip.add(2), fp, mb, ml, cx, target, base);
        });
        h!(ip, fp, mb, ml, cx, acc; CallRef { func, base } => {
            let target = rd(fp, func) as *const FuncEntity;
            if target.is_null() {
                return trap(ip, fp, cx, TrapCode::NullFunctionReference);
            }
            return call_entity(ip, ip.add(1), fp, mb, ml, cx, target, base);
        });
        h!(ip, fp, mb, ml, cx, acc; ReturnCallInternal { func, base } => {
            let callee = callee_code(ip, fp, cx, (*cx).inst, func);
            if callee.is_null() {
                return Exit::Trap;
            }
            return tail_enter(ip, fp, mb, ml, cx, callee, base, (*cx).inst);
        });
        h!(ip, fp, mb, ml, cx, acc; ReturnCallImported { func, base } => {
            return tail_call_entity(ip, fp, mb, ml, cx, func_at((*cx).inst, func), base);
        });
        h!(ip, fp, mb, ml, cx, acc; ReturnCallIndirect { table, ty, base } => {
            let (index, id) = ext(ip);
            let target = calls::indirect_target(ip, fp, cx, table, ty, id, rd(fp, index));
            if target.is_null() {
                return Exit::Trap;
            }
            return tail_call_entity(ip, fp, mb, ml, cx, target, base);
        });
        h!(ip, fp, mb, ml, cx, acc; ReturnCallRef { func, base } => {
            let target = rd(fp, func) as *const FuncEntity;
            if target.is_null() {
                return trap(ip, fp, cx, TrapCode::NullFunctionReference);
            }
            return tail_call_entity(ip, fp, mb, ml, cx, target, base);
        });

        // ---- globals
        h!(ip, fp, mb, ml, cx, acc; GlobalGet { dst, global } => { wr(fp, dst, (*global_at((*cx).inst, global)).value); });
        h!(ip, fp, mb, ml, cx, acc; GlobalSet { global, src } => { (*global_at((*cx).inst, global)).value = rd(fp, src); });
        h!(ip, fp, mb, ml, cx, acc; GlobalGet128 { dst, global } => { let g = global_at((*cx).inst, global); wr(fp, dst, (*g).value); wr(fp, dst + 1, (*g).high); });
        h!(ip, fp, mb, ml, cx, acc; GlobalSet128 { global, src } => { let g = global_at((*cx).inst, global); (*g).value = rd(fp, src); (*g).high = rd(fp, src + 1); });

        // ---- memory, general path and bulk
        h!(ip, fp, mb, ml, cx, acc; Load { kind, dst, addr } => {
            let (mem, offset) = slow::memarg(&(*ip.add(1)).instr);
            match slow::load((*cx).inst, kind, mem, offset, rd(fp, addr)) {
                Some(v) => wr(fp, dst, v),
                None => return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds),
            }
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; Store { kind, addr, value } => {
            let (mem, offset) = slow::memarg(&(*ip.add(1)).instr);
            if let Err(c) = slow::store((*cx).inst, kind, mem, offset, rd(fp, addr), rd(fp, value)) {
                return trap(ip, fp, cx, c);
            }
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; MemorySize { dst, mem } => { wr(fp, dst, rtm::memory_size((*cx).inst, mem)); });
        h!(ip, fp, mb, ml, cx, acc; MemoryGrow { dst, delta, mem } => {
            match rtm::memory_grow((*cx).store, (*cx).inst, mem, rd(fp, delta)) {
                Some(old) => wr(fp, dst, old),
                None => return quota_exceeded(ip, fp, cx),
            }
            let (mb, ml) = mem_regs((*cx).inst);
            return next(ip.add(1), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; MemoryFill { mem, dst, value } => {
            let (len, _) = ext(ip);
            return past_ext(ip, fp, mb, ml, cx, acc, rtm::memory_fill((*cx).inst, mem, rd(fp, dst), rd(fp, value), rd(fp, len)));
        });
        h!(ip, fp, mb, ml, cx, acc; MemoryCopy { dst_mem, src_mem, dst } => {
            let (src, len) = ext(ip);
            return past_ext(ip, fp, mb, ml, cx, acc, rtm::memory_copy((*cx).inst, dst_mem, src_mem, rd(fp, dst), rd(fp, src), rd(fp, len)));
        });
        h!(ip, fp, mb, ml, cx, acc; MemoryInit { mem, seg, dst } => {
            let (src, len) = ext(ip);
            return past_ext(ip, fp, mb, ml, cx, acc, rtm::memory_init((*cx).inst, mem, seg, rd(fp, dst), rd(fp, src), rd(fp, len)));
        });
        h!(ip, fp, mb, ml, cx, acc; DataDrop { seg } => { rtm::data_drop((*cx).inst, seg); });

        // ---- tables and references
        h!(ip, fp, mb, ml, cx, acc; TableGet { dst, table, index } => {
            match rtt::table_get((*cx).inst, table, rd(fp, index)) {
                Some(v) => wr(fp, dst, v),
                None => return trap(ip, fp, cx, TrapCode::TableOutOfBounds),
            }
        });
        h!(ip, fp, mb, ml, cx, acc; TableSet { table, index, value } => {
            if let Err(c) = rtt::table_set((*cx).inst, table, rd(fp, index), rd(fp, value)) {
                return trap(ip, fp, cx, c);
            }
        });
        h!(ip, fp, mb, ml, cx, acc; TableSize { dst, table } => { wr(fp, dst, rtt::table_size((*cx).inst, table)); });
        h!(ip, fp, mb, ml, cx, acc; TableGrow { dst, table, init } => {
            let (delta, _) = ext(ip);
            match rtt::table_grow((*cx).store, (*cx).inst, table, rd(fp, init), rd(fp, delta)) {
                Some(old) => wr(fp, dst, old),
                None => return quota_exceeded(ip, fp, cx),
            }
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; TableFill { table, start, value } => {
            let (len, _) = ext(ip);
            return past_ext(ip, fp, mb, ml, cx, acc, rtt::table_fill((*cx).inst, table, rd(fp, start), rd(fp, value), rd(fp, len)));
        });
        h!(ip, fp, mb, ml, cx, acc; TableCopy { dst_table, src_table, dst } => {
            let (src, len) = ext(ip);
            return past_ext(ip, fp, mb, ml, cx, acc, rtt::table_copy((*cx).inst, dst_table, src_table, rd(fp, dst), rd(fp, src), rd(fp, len)));
        });
        h!(ip, fp, mb, ml, cx, acc; TableInit { table, seg, dst } => {
            let (src, len) = ext(ip);
            return past_ext(ip, fp, mb, ml, cx, acc, rtt::table_init((*cx).inst, table, seg, rd(fp, dst), rd(fp, src), rd(fp, len)));
        });
        h!(ip, fp, mb, ml, cx, acc; ElemDrop { seg } => { rtt::elem_drop((*cx).inst, seg); });
        h!(ip, fp, mb, ml, cx, acc; RefFunc { dst, func } => { wr(fp, dst, func_at((*cx).inst, func) as u64); });
        h!(ip, fp, mb, ml, cx, acc; RefAsNonNull { src } => {
            if rd(fp, src) == 0 {
                return trap(ip, fp, cx, TrapCode::NullReference);
            }
        });

        // ---- extension words are read by the op before them, never run
        h!(ip, fp, mb, ml, cx, acc; Ext { .. } => { return internal_error(ip, fp, cx); });
        h!(ip, fp, mb, ml, cx, acc; MemArg { .. } => { return internal_error(ip, fp, cx); });


        // ---- loads and stores on memory 0 when it is 32-bit
        load!(ip, fp, mb, ml, cx, acc; 4: I32Load, I32LoadIdx, I32LoadAddImm => |b| u32::from_le_bytes(b) as u64);
        load!(ip, fp, mb, ml, cx, acc; 8: I64Load, I64LoadIdx, I64LoadAddImm => |b| u64::from_le_bytes(b));
        load!(ip, fp, mb, ml, cx, acc; 4: F32Load, F32LoadIdx, F32LoadAddImm => |b| u32::from_le_bytes(b) as u64);
        load!(ip, fp, mb, ml, cx, acc; 8: F64Load, F64LoadIdx, F64LoadAddImm => |b| u64::from_le_bytes(b));
        load!(ip, fp, mb, ml, cx, acc; 1: I32Load8S, I32Load8SIdx, I32Load8SAddImm => |b| i8::from_le_bytes(b) as i32 as u32 as u64);
        load!(ip, fp, mb, ml, cx, acc; 1: I32Load8U, I32Load8UIdx, I32Load8UAddImm => |b| u8::from_le_bytes(b) as u64);
        load!(ip, fp, mb, ml, cx, acc; 2: I32Load16S, I32Load16SIdx, I32Load16SAddImm => |b| i16::from_le_bytes(b) as i32 as u32 as u64);
        load!(ip, fp, mb, ml, cx, acc; 2: I32Load16U, I32Load16UIdx, I32Load16UAddImm => |b| u16::from_le_bytes(b) as u64);
        load!(ip, fp, mb, ml, cx, acc; 1: I64Load8S => |b| i8::from_le_bytes(b) as i64 as u64);
        load!(ip, fp, mb, ml, cx, acc; 1: I64Load8U => |b| u8::from_le_bytes(b) as u64);
        load!(ip, fp, mb, ml, cx, acc; 2: I64Load16S => |b| i16::from_le_bytes(b) as i64 as u64);
        load!(ip, fp, mb, ml, cx, acc; 2: I64Load16U => |b| u16::from_le_bytes(b) as u64);
        load!(ip, fp, mb, ml, cx, acc; 4: I64Load32S => |b| i32::from_le_bytes(b) as i64 as u64);
        load!(ip, fp, mb, ml, cx, acc; 4: I64Load32U => |b| u32::from_le_bytes(b) as u64);
        store!(ip, fp, mb, ml, cx, acc; 4: I32Store, I32StoreImm, I32StoreIdx, I32StoreIdxImm => |v| (v as u32).to_le_bytes());
        store!(ip, fp, mb, ml, cx, acc; 8: I64Store, I64StoreImm, I64StoreIdx, I64StoreIdxImm => |v| v.to_le_bytes());
        store!(ip, fp, mb, ml, cx, acc; 4: F32Store => |v| (v as u32).to_le_bytes());
        store!(ip, fp, mb, ml, cx, acc; 8: F64Store => |v| v.to_le_bytes());
        store!(ip, fp, mb, ml, cx, acc; 1: I32Store8, I32Store8Imm, I32Store8Idx, I32Store8IdxImm => |v| (v as u8).to_le_bytes());
        store!(ip, fp, mb, ml, cx, acc; 2: I32Store16, I32Store16Imm, I32Store16Idx, I32Store16IdxImm => |v| (v as u16).to_le_bytes());
        store!(ip, fp, mb, ml, cx, acc; 1: I64Store8 => |v| (v as u8).to_le_bytes());
        store!(ip, fp, mb, ml, cx, acc; 2: I64Store16 => |v| (v as u16).to_le_bytes());
        store!(ip, fp, mb, ml, cx, acc; 4: I64Store32 => |v| (v as u32).to_le_bytes());

        // ---- integer arithmetic
        int_binary!(ip, fp, mb, ml, cx, acc; u32: I32Add, I32AddImm => |x, y| x.wrapping_add(y));
        int_binary!(ip, fp, mb, ml, cx, acc; u32: I32Sub => |x, y| x.wrapping_sub(y));
        int_binary!(ip, fp, mb, ml, cx, acc; u32: I32Mul, I32MulImm => |x, y| x.wrapping_mul(y));
        int_binary!(ip, fp, mb, ml, cx, acc; u32: I32And, I32AndImm => |x, y| x & y);
        int_binary!(ip, fp, mb, ml, cx, acc; u32: I32Or, I32OrImm => |x, y| x | y);
        int_binary!(ip, fp, mb, ml, cx, acc; u32: I32Xor, I32XorImm => |x, y| x ^ y);
        int_binary!(ip, fp, mb, ml, cx, acc; u32: I32Shl, I32ShlImm => |x, y| x.wrapping_shl(y));
        int_binary!(ip, fp, mb, ml, cx, acc; u32: I32ShrS, I32ShrSImm => |x, y| (x as i32).wrapping_shr(y) as u32);
        int_binary!(ip, fp, mb, ml, cx, acc; u32: I32ShrU, I32ShrUImm => |x, y| x.wrapping_shr(y));
        int_binary!(ip, fp, mb, ml, cx, acc; u32: I32Rotl, I32RotlImm => |x, y| x.rotate_left(y % u32::BITS));
        int_binary!(ip, fp, mb, ml, cx, acc; u32: I32Rotr, I32RotrImm => |x, y| x.rotate_right(y % u32::BITS));
        h!(ip, fp, mb, ml, cx, acc; I32RsubImm { dst, lhs, imm } => { wr(fp, dst, (imm as u32).wrapping_sub(rd(fp, lhs) as u32) as u64); });
        int_binary!(ip, fp, mb, ml, cx, acc; u64: I64Add, I64AddImm => |x, y| x.wrapping_add(y));
        int_binary!(ip, fp, mb, ml, cx, acc; u64: I64Sub => |x, y| x.wrapping_sub(y));
        int_binary!(ip, fp, mb, ml, cx, acc; u64: I64Mul, I64MulImm => |x, y| x.wrapping_mul(y));
        int_binary!(ip, fp, mb, ml, cx, acc; u64: I64And, I64AndImm => |x, y| x & y);
        int_binary!(ip, fp, mb, ml, cx, acc; u64: I64Or, I64OrImm => |x, y| x | y);
        int_binary!(ip, fp, mb, ml, cx, acc; u64: I64Xor, I64XorImm => |x, y| x ^ y);
        int_binary!(ip, fp, mb, ml, cx, acc; u64: I64Shl, I64ShlImm => |x, y| x.wrapping_shl(y as u32));
        int_binary!(ip, fp, mb, ml, cx, acc; u64: I64ShrS, I64ShrSImm => |x, y| (x as i64).wrapping_shr(y as u32) as u64);
        int_binary!(ip, fp, mb, ml, cx, acc; u64: I64ShrU, I64ShrUImm => |x, y| x.wrapping_shr(y as u32));
        int_binary!(ip, fp, mb, ml, cx, acc; u64: I64Rotl, I64RotlImm => |x, y| x.rotate_left((y % u64::BITS as u64) as u32));
        int_binary!(ip, fp, mb, ml, cx, acc; u64: I64Rotr, I64RotrImm => |x, y| x.rotate_right((y % u64::BITS as u64) as u32));
        h!(ip, fp, mb, ml, cx, acc; I64RsubImm { dst, lhs, imm } => { wr(fp, dst, (imm as i64 as u64).wrapping_sub(rd(fp, lhs))); });

        // ---- division: the slot forms trap on zero and overflow; the translator gives the
        // immediate forms only divisors that cannot (not 0, and not -1 when signed)
        h!(ip, fp, mb, ml, cx, acc; I32DivS { dst, lhs, rhs } => { match sem::i32_div_s(rd(fp, lhs) as u32 as i32, rd(fp, rhs) as u32 as i32) { Ok(v) => wr(fp, dst, v as u32 as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx, acc; I32DivU { dst, lhs, rhs } => { match sem::i32_div_u(rd(fp, lhs) as u32, rd(fp, rhs) as u32) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx, acc; I32RemS { dst, lhs, rhs } => { match sem::i32_rem_s(rd(fp, lhs) as u32 as i32, rd(fp, rhs) as u32 as i32) { Ok(v) => wr(fp, dst, v as u32 as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx, acc; I32RemU { dst, lhs, rhs } => { match sem::i32_rem_u(rd(fp, lhs) as u32, rd(fp, rhs) as u32) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx, acc; I64DivS { dst, lhs, rhs } => { match sem::i64_div_s(rd(fp, lhs) as i64, rd(fp, rhs) as i64) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx, acc; I64DivU { dst, lhs, rhs } => { match sem::i64_div_u(rd(fp, lhs), rd(fp, rhs)) { Ok(v) => wr(fp, dst, v), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx, acc; I64RemS { dst, lhs, rhs } => { match sem::i64_rem_s(rd(fp, lhs) as i64, rd(fp, rhs) as i64) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx, acc; I64RemU { dst, lhs, rhs } => { match sem::i64_rem_u(rd(fp, lhs), rd(fp, rhs)) { Ok(v) => wr(fp, dst, v), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx, acc; I32DivUImm { dst, lhs, imm } => { wr(fp, dst, ((rd(fp, lhs) as u32) / imm as u32) as u64); });
        h!(ip, fp, mb, ml, cx, acc; I32DivSImm { dst, lhs, imm } => { wr(fp, dst, ((rd(fp, lhs) as u32 as i32) / imm) as u32 as u64); });
        h!(ip, fp, mb, ml, cx, acc; I32RemSImm { dst, lhs, imm } => { wr(fp, dst, ((rd(fp, lhs) as u32 as i32) % imm) as u32 as u64); });
        h!(ip, fp, mb, ml, cx, acc; I32RemUImm { dst, lhs, imm } => { wr(fp, dst, ((rd(fp, lhs) as u32) % imm as u32) as u64); });
        h!(ip, fp, mb, ml, cx, acc; I64DivSImm { dst, lhs, imm } => { wr(fp, dst, ((rd(fp, lhs) as i64) / imm as i64) as u64); });
        h!(ip, fp, mb, ml, cx, acc; I64DivUImm { dst, lhs, imm } => { wr(fp, dst, rd(fp, lhs) / imm as i64 as u64); });
        h!(ip, fp, mb, ml, cx, acc; I64RemSImm { dst, lhs, imm } => { wr(fp, dst, ((rd(fp, lhs) as i64) % imm as i64) as u64); });
        h!(ip, fp, mb, ml, cx, acc; I64RemUImm { dst, lhs, imm } => { wr(fp, dst, rd(fp, lhs) % imm as i64 as u64); });

        // ---- wide arithmetic
        wide!(ip, fp, mb, ml, cx, acc; pair I64Add128 => |x, y| x.wrapping_add(y));
        wide!(ip, fp, mb, ml, cx, acc; pair I64Sub128 => |x, y| x.wrapping_sub(y));
        wide!(ip, fp, mb, ml, cx, acc; product I64MulWideS => |v| v as i64 as i128 as u128);
        wide!(ip, fp, mb, ml, cx, acc; product I64MulWideU => |v| v as u128);

        // ---- integer comparisons: values, and branches on them
        int_compare!(ip, fp, mb, ml, cx, acc; u32: I32Eq, I32EqImm, BrI32Eq, BrI32EqImm; I32EqA, I32EqImmA, BrI32EqA, BrI32EqImmA => |x, y| x == y);
        int_compare!(ip, fp, mb, ml, cx, acc; u32: I32Ne, I32NeImm, BrI32Ne, BrI32NeImm; I32NeA, I32NeImmA, BrI32NeA, BrI32NeImmA => |x, y| x != y);
        int_compare!(ip, fp, mb, ml, cx, acc; u32: I32LtS, I32LtSImm, BrI32LtS, BrI32LtSImm; I32LtSA, I32LtSImmA, BrI32LtSA, BrI32LtSImmA => |x, y| (x as i32) < (y as i32));
        int_compare!(ip, fp, mb, ml, cx, acc; u32: I32LtU, I32LtUImm, BrI32LtU, BrI32LtUImm; I32LtUA, I32LtUImmA, BrI32LtUA, BrI32LtUImmA => |x, y| x < y);
        int_compare!(ip, fp, mb, ml, cx, acc; u32: I32GtS, I32GtSImm, BrI32GtS, BrI32GtSImm; I32GtSA, I32GtSImmA, BrI32GtSA, BrI32GtSImmA => |x, y| (x as i32) > (y as i32));
        int_compare!(ip, fp, mb, ml, cx, acc; u32: I32GtU, I32GtUImm, BrI32GtU, BrI32GtUImm; I32GtUA, I32GtUImmA, BrI32GtUA, BrI32GtUImmA => |x, y| x > y);
        int_compare!(ip, fp, mb, ml, cx, acc; u32: I32LeS, I32LeSImm, BrI32LeS, BrI32LeSImm; I32LeSA, I32LeSImmA, BrI32LeSA, BrI32LeSImmA => |x, y| (x as i32) <= (y as i32));
        int_compare!(ip, fp, mb, ml, cx, acc; u32: I32LeU, I32LeUImm, BrI32LeU, BrI32LeUImm; I32LeUA, I32LeUImmA, BrI32LeUA, BrI32LeUImmA => |x, y| x <= y);
        int_compare!(ip, fp, mb, ml, cx, acc; u32: I32GeS, I32GeSImm, BrI32GeS, BrI32GeSImm; I32GeSA, I32GeSImmA, BrI32GeSA, BrI32GeSImmA => |x, y| (x as i32) >= (y as i32));
        int_compare!(ip, fp, mb, ml, cx, acc; u32: I32GeU, I32GeUImm, BrI32GeU, BrI32GeUImm; I32GeUA, I32GeUImmA, BrI32GeUA, BrI32GeUImmA => |x, y| x >= y);
        int_compare!(ip, fp, mb, ml, cx, acc; u64: I64Eq, I64EqImm, BrI64Eq, BrI64EqImm; I64EqA, I64EqImmA, BrI64EqA, BrI64EqImmA => |x, y| x == y);
        int_compare!(ip, fp, mb, ml, cx, acc; u64: I64Ne, I64NeImm, BrI64Ne, BrI64NeImm; I64NeA, I64NeImmA, BrI64NeA, BrI64NeImmA => |x, y| x != y);
        int_compare!(ip, fp, mb, ml, cx, acc; u64: I64LtS, I64LtSImm, BrI64LtS, BrI64LtSImm; I64LtSA, I64LtSImmA, BrI64LtSA, BrI64LtSImmA => |x, y| (x as i64) < (y as i64));
        int_compare!(ip, fp, mb, ml, cx, acc; u64: I64LtU, I64LtUImm, BrI64LtU, BrI64LtUImm; I64LtUA, I64LtUImmA, BrI64LtUA, BrI64LtUImmA => |x, y| x < y);
        int_compare!(ip, fp, mb, ml, cx, acc; u64: I64GtS, I64GtSImm, BrI64GtS, BrI64GtSImm; I64GtSA, I64GtSImmA, BrI64GtSA, BrI64GtSImmA => |x, y| (x as i64) > (y as i64));
        int_compare!(ip, fp, mb, ml, cx, acc; u64: I64GtU, I64GtUImm, BrI64GtU, BrI64GtUImm; I64GtUA, I64GtUImmA, BrI64GtUA, BrI64GtUImmA => |x, y| x > y);
        int_compare!(ip, fp, mb, ml, cx, acc; u64: I64LeS, I64LeSImm, BrI64LeS, BrI64LeSImm; I64LeSA, I64LeSImmA, BrI64LeSA, BrI64LeSImmA => |x, y| (x as i64) <= (y as i64));
        int_compare!(ip, fp, mb, ml, cx, acc; u64: I64LeU, I64LeUImm, BrI64LeU, BrI64LeUImm; I64LeUA, I64LeUImmA, BrI64LeUA, BrI64LeUImmA => |x, y| x <= y);
        int_compare!(ip, fp, mb, ml, cx, acc; u64: I64GeS, I64GeSImm, BrI64GeS, BrI64GeSImm; I64GeSA, I64GeSImmA, BrI64GeSA, BrI64GeSImmA => |x, y| (x as i64) >= (y as i64));
        int_compare!(ip, fp, mb, ml, cx, acc; u64: I64GeU, I64GeUImm, BrI64GeU, BrI64GeUImm; I64GeUA, I64GeUImmA, BrI64GeUA, BrI64GeUImmA => |x, y| x >= y);
        // ---- bit tests, branching (an `i32.and` feeding `br_if`/`if`)
        int_test!(ip, fp, mb, ml, cx, acc; BrI32AndNez, BrI32AndImmNez => |x| x != 0);
        int_test!(ip, fp, mb, ml, cx, acc; BrI32AndEqz, BrI32AndImmEqz => |x| x == 0);

        // ---- floats
        float_binary!(ip, fp, mb, ml, cx, acc; f32: F32Add => |x, y| x + y);
        float_binary!(ip, fp, mb, ml, cx, acc; f32: F32Sub => |x, y| x - y);
        float_binary!(ip, fp, mb, ml, cx, acc; f32: F32Mul => |x, y| x * y);
        float_binary!(ip, fp, mb, ml, cx, acc; f32: F32Div => |x, y| x / y);
        float_binary!(ip, fp, mb, ml, cx, acc; f32: F32Min => |x, y| sem::f32_min(x, y));
        float_binary!(ip, fp, mb, ml, cx, acc; f32: F32Max => |x, y| sem::f32_max(x, y));
        float_binary!(ip, fp, mb, ml, cx, acc; f32: F32Copysign => |x, y| x.copysign(y));
        float_binary!(ip, fp, mb, ml, cx, acc; f64: F64Add => |x, y| x + y);
        float_binary!(ip, fp, mb, ml, cx, acc; f64: F64Sub => |x, y| x - y);
        float_binary!(ip, fp, mb, ml, cx, acc; f64: F64Mul => |x, y| x * y);
        float_binary!(ip, fp, mb, ml, cx, acc; f64: F64Div => |x, y| x / y);
        float_binary!(ip, fp, mb, ml, cx, acc; f64: F64Min => |x, y| sem::f64_min(x, y));
        float_binary!(ip, fp, mb, ml, cx, acc; f64: F64Max => |x, y| sem::f64_max(x, y));
        float_binary!(ip, fp, mb, ml, cx, acc; f64: F64Copysign => |x, y| x.copysign(y));

        // ---- accumulator forms (see `translate::acc`)
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u32: I32AddA, I32AddImmA => |x, y| x.wrapping_add(y));
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u32: I32SubA => |x, y| x.wrapping_sub(y));
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u32: I32MulA, I32MulImmA => |x, y| x.wrapping_mul(y));
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u32: I32AndA, I32AndImmA => |x, y| x & y);
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u32: I32OrA, I32OrImmA => |x, y| x | y);
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u32: I32XorA, I32XorImmA => |x, y| x ^ y);
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u32: I32ShlA, I32ShlImmA => |x, y| x.wrapping_shl(y));
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u32: I32ShrSA, I32ShrSImmA => |x, y| (x as i32).wrapping_shr(y) as u32);
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u32: I32ShrUA, I32ShrUImmA => |x, y| x.wrapping_shr(y));
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u64: I64AddA, I64AddImmA => |x, y| x.wrapping_add(y));
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u64: I64SubA => |x, y| x.wrapping_sub(y));
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u64: I64MulA, I64MulImmA => |x, y| x.wrapping_mul(y));
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u64: I64AndA, I64AndImmA => |x, y| x & y);
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u64: I64OrA, I64OrImmA => |x, y| x | y);
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u64: I64XorA, I64XorImmA => |x, y| x ^ y);
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u64: I64ShlA, I64ShlImmA => |x, y| x.wrapping_shl(y as u32));
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u64: I64ShrSA, I64ShrSImmA => |x, y| (x as i64).wrapping_shr(y as u32) as u64);
        int_binary_acc!(ip, fp, mb, ml, cx, acc; u64: I64ShrUA, I64ShrUImmA => |x, y| x.wrapping_shr(y as u32));
        float_binary_acc!(ip, fp, mb, ml, cx, acc; f32: F32AddA => |x, y| x + y);
        float_binary_acc!(ip, fp, mb, ml, cx, acc; f32: F32SubA => |x, y| x - y);
        float_binary_acc!(ip, fp, mb, ml, cx, acc; f32: F32MulA => |x, y| x * y);
        float_binary_acc!(ip, fp, mb, ml, cx, acc; f32: F32DivA => |x, y| x / y);
        float_binary_acc!(ip, fp, mb, ml, cx, acc; f64: F64AddA => |x, y| x + y);
        float_binary_acc!(ip, fp, mb, ml, cx, acc; f64: F64SubA => |x, y| x - y);
        float_binary_acc!(ip, fp, mb, ml, cx, acc; f64: F64MulA => |x, y| x * y);
        float_binary_acc!(ip, fp, mb, ml, cx, acc; f64: F64DivA => |x, y| x / y);
        load_acc!(ip, fp, mb, ml, cx, acc; 4: I32LoadA => |b| u32::from_le_bytes(b) as u64);
        load_acc!(ip, fp, mb, ml, cx, acc; 8: I64LoadA => |b| u64::from_le_bytes(b));
        load_acc!(ip, fp, mb, ml, cx, acc; 4: F32LoadA => |b| u32::from_le_bytes(b) as u64);
        load_acc!(ip, fp, mb, ml, cx, acc; 8: F64LoadA => |b| u64::from_le_bytes(b));
        load_acc!(ip, fp, mb, ml, cx, acc; 1: I32Load8SA => |b| i8::from_le_bytes(b) as i32 as u32 as u64);
        load_acc!(ip, fp, mb, ml, cx, acc; 1: I32Load8UA => |b| u8::from_le_bytes(b) as u64);
        load_acc!(ip, fp, mb, ml, cx, acc; 2: I32Load16SA => |b| i16::from_le_bytes(b) as i32 as u32 as u64);
        load_acc!(ip, fp, mb, ml, cx, acc; 2: I32Load16UA => |b| u16::from_le_bytes(b) as u64);
        load_acc!(ip, fp, mb, ml, cx, acc; 4: I64Load32SA => |b| i32::from_le_bytes(b) as i64 as u64);
        load_acc!(ip, fp, mb, ml, cx, acc; 4: I64Load32UA => |b| u32::from_le_bytes(b) as u64);
        store_acc!(ip, fp, mb, ml, cx, acc; 4: I32StoreA => |v| (v as u32).to_le_bytes());
        store_acc!(ip, fp, mb, ml, cx, acc; 8: I64StoreA => |v| v.to_le_bytes());
        store_acc!(ip, fp, mb, ml, cx, acc; 4: F32StoreA => |v| (v as u32).to_le_bytes());
        store_acc!(ip, fp, mb, ml, cx, acc; 8: F64StoreA => |v| v.to_le_bytes());
        store_acc!(ip, fp, mb, ml, cx, acc; 1: I32Store8A => |v| (v as u8).to_le_bytes());
        store_acc!(ip, fp, mb, ml, cx, acc; 2: I32Store16A => |v| (v as u16).to_le_bytes());
        store_acc!(ip, fp, mb, ml, cx, acc; 1: I64Store8A => |v| (v as u8).to_le_bytes());
        store_acc!(ip, fp, mb, ml, cx, acc; 2: I64Store16A => |v| (v as u16).to_le_bytes());
        store_acc!(ip, fp, mb, ml, cx, acc; 4: I64Store32A => |v| (v as u32).to_le_bytes());
        step_compare!(ip, fp, mb, ml, cx, acc; I32StepBrEq, I32StepBrEqImm => |x, y| x == y);
        step_compare!(ip, fp, mb, ml, cx, acc; I32StepBrNe, I32StepBrNeImm => |x, y| x != y);
        step_compare!(ip, fp, mb, ml, cx, acc; I32StepBrLtS, I32StepBrLtSImm => |x, y| (x as i32) < (y as i32));
        step_compare!(ip, fp, mb, ml, cx, acc; I32StepBrLtU, I32StepBrLtUImm => |x, y| x < y);
        step_compare!(ip, fp, mb, ml, cx, acc; I32StepBrGtS, I32StepBrGtSImm => |x, y| (x as i32) > (y as i32));
        step_compare!(ip, fp, mb, ml, cx, acc; I32StepBrGtU, I32StepBrGtUImm => |x, y| x > y);
        step_compare!(ip, fp, mb, ml, cx, acc; I32StepBrLeS, I32StepBrLeSImm => |x, y| (x as i32) <= (y as i32));
        step_compare!(ip, fp, mb, ml, cx, acc; I32StepBrLeU, I32StepBrLeUImm => |x, y| x <= y);
        step_compare!(ip, fp, mb, ml, cx, acc; I32StepBrGeS, I32StepBrGeSImm => |x, y| (x as i32) >= (y as i32));
        step_compare!(ip, fp, mb, ml, cx, acc; I32StepBrGeU, I32StepBrGeUImm => |x, y| x >= y);
        int_test_acc!(ip, fp, mb, ml, cx, acc; BrI32AndNezA, BrI32AndImmNezA => |x| x != 0);
        int_test_acc!(ip, fp, mb, ml, cx, acc; BrI32AndEqzA, BrI32AndImmEqzA => |x| x == 0);
        h!(ip, fp, mb, ml, cx, acc; SelectInPlaceA { dst, src } => { if acc as u32 == 0 { wr(fp, dst, rd(fp, src)); } });
        step_compare!(ip, fp, mb, ml, cx, acc; I32StepBr);
        step_compare!(ip, fp, mb, ml, cx, acc; I32StepBrNez => |x| x != 0);
        step_compare!(ip, fp, mb, ml, cx, acc; I32StepBrEqz => |x| x == 0);
        unary_acc!(ip, fp, mb, ml, cx, acc; u32: I32EqzA => |x| (x == 0) as u64);
        unary_acc!(ip, fp, mb, ml, cx, acc; u64: I64EqzA => |x| (x == 0) as u64);
        unary_acc!(ip, fp, mb, ml, cx, acc; u32: I32Extend8SA => |x| x as i8 as i32 as u32 as u64);
        unary_acc!(ip, fp, mb, ml, cx, acc; u32: I32Extend16SA => |x| x as i16 as i32 as u32 as u64);
        unary_acc!(ip, fp, mb, ml, cx, acc; u64: I32WrapI64A => |x| x as u32 as u64);
        unary_acc!(ip, fp, mb, ml, cx, acc; u32: I64ExtendI32SA => |x| x as i32 as i64 as u64);
        unary_acc!(ip, fp, mb, ml, cx, acc; u32: F64ConvertI32SA => |x| (x as i32 as f64).to_bits());
        unary_acc!(ip, fp, mb, ml, cx, acc; u32: F64ConvertI32UA => |x| (x as f64).to_bits());
        unary_acc!(ip, fp, mb, ml, cx, acc; u64: F64ConvertI64SA => |x| (x as i64 as f64).to_bits());
        unary_acc!(ip, fp, mb, ml, cx, acc; u32: F32ConvertI32SA => |x| (x as i32 as f32).to_bits() as u64);
        unary_acc!(ip, fp, mb, ml, cx, acc; f32: F64PromoteF32A => |x| (x as f64).to_bits());
        unary_acc!(ip, fp, mb, ml, cx, acc; f64: F32DemoteF64A => |x| (x as f32).to_bits() as u64);
        unary_acc!(ip, fp, mb, ml, cx, acc; f64: F64SqrtA => |x| x.sqrt().to_bits());
        unary_acc!(ip, fp, mb, ml, cx, acc; f64: F64NegA => |x| (-x).to_bits());
        unary_acc!(ip, fp, mb, ml, cx, acc; f64: F64AbsA => |x| x.abs().to_bits());
        unary_acc!(ip, fp, mb, ml, cx, acc; f32: F32SqrtA => |x| x.sqrt().to_bits() as u64);
        unary_acc!(ip, fp, mb, ml, cx, acc; f32: F32NegA => |x| (-x).to_bits() as u64);
        binary_acc_rhs!(ip, fp, mb, ml, cx, acc; u32: I32SubRA => |x, y| x.wrapping_sub(y));
        binary_acc_rhs!(ip, fp, mb, ml, cx, acc; u64: I64SubRA => |x, y| x.wrapping_sub(y));
        binary_acc_rhs!(ip, fp, mb, ml, cx, acc; f32: F32SubRA => |x, y| x - y);
        binary_acc_rhs!(ip, fp, mb, ml, cx, acc; f64: F64SubRA => |x, y| x - y);
        binary_acc_rhs!(ip, fp, mb, ml, cx, acc; f32: F32DivRA => |x, y| x / y);
        binary_acc_rhs!(ip, fp, mb, ml, cx, acc; f64: F64DivRA => |x, y| x / y);
        h!(ip, fp, mb, ml, cx, acc; BrIfNezA { offset } => { if acc as u32 != 0 { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx, acc); } });
        h!(ip, fp, mb, ml, cx, acc; BrIfEqzA { offset } => { if acc as u32 == 0 { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx, acc); } });
        float_compare!(ip, fp, mb, ml, cx, acc; f32: F32Eq, BrF32Eq, BrF32NotEq => |x, y| x == y);
        float_compare!(ip, fp, mb, ml, cx, acc; f32: F32Ne, BrF32Ne, BrF32NotNe => |x, y| x != y);
        float_compare!(ip, fp, mb, ml, cx, acc; f32: F32Lt, BrF32Lt, BrF32NotLt => |x, y| x < y);
        float_compare!(ip, fp, mb, ml, cx, acc; f32: F32Gt, BrF32Gt, BrF32NotGt => |x, y| x > y);
        float_compare!(ip, fp, mb, ml, cx, acc; f32: F32Le, BrF32Le, BrF32NotLe => |x, y| x <= y);
        float_compare!(ip, fp, mb, ml, cx, acc; f32: F32Ge, BrF32Ge, BrF32NotGe => |x, y| x >= y);
        float_compare!(ip, fp, mb, ml, cx, acc; f64: F64Eq, BrF64Eq, BrF64NotEq => |x, y| x == y);
        float_compare!(ip, fp, mb, ml, cx, acc; f64: F64Ne, BrF64Ne, BrF64NotNe => |x, y| x != y);
        float_compare!(ip, fp, mb, ml, cx, acc; f64: F64Lt, BrF64Lt, BrF64NotLt => |x, y| x < y);
        float_compare!(ip, fp, mb, ml, cx, acc; f64: F64Gt, BrF64Gt, BrF64NotGt => |x, y| x > y);
        float_compare!(ip, fp, mb, ml, cx, acc; f64: F64Le, BrF64Le, BrF64NotLe => |x, y| x <= y);
        float_compare!(ip, fp, mb, ml, cx, acc; f64: F64Ge, BrF64Ge, BrF64NotGe => |x, y| x >= y);

        // ---- unary operators
        unary!(ip, fp, mb, ml, cx, acc; u32: I32Clz => |x| x.leading_zeros() as u64);
        unary!(ip, fp, mb, ml, cx, acc; u32: I32Ctz => |x| x.trailing_zeros() as u64);
        unary!(ip, fp, mb, ml, cx, acc; u32: I32Popcnt => |x| x.count_ones() as u64);
        unary!(ip, fp, mb, ml, cx, acc; u32: I32Eqz => |x| (x == 0) as u64);
        unary!(ip, fp, mb, ml, cx, acc; u32: I32Extend8S => |x| x as i8 as i32 as u32 as u64);
        unary!(ip, fp, mb, ml, cx, acc; u32: I32Extend16S => |x| x as i16 as i32 as u32 as u64);
        unary!(ip, fp, mb, ml, cx, acc; u64: I64Clz => |x| x.leading_zeros() as u64);
        unary!(ip, fp, mb, ml, cx, acc; u64: I64Ctz => |x| x.trailing_zeros() as u64);
        unary!(ip, fp, mb, ml, cx, acc; u64: I64Popcnt => |x| x.count_ones() as u64);
        unary!(ip, fp, mb, ml, cx, acc; u64: I64Eqz => |x| (x == 0) as u64);
        unary!(ip, fp, mb, ml, cx, acc; u64: I64Extend8S => |x| x as i8 as i64 as u64);
        unary!(ip, fp, mb, ml, cx, acc; u64: I64Extend16S => |x| x as i16 as i64 as u64);
        unary!(ip, fp, mb, ml, cx, acc; u64: I64Extend32S => |x| x as i32 as i64 as u64);
        unary!(ip, fp, mb, ml, cx, acc; f32: F32Abs => |x| x.abs().to_bits() as u64);
        unary!(ip, fp, mb, ml, cx, acc; f32: F32Neg => |x| (-x).to_bits() as u64);
        unary!(ip, fp, mb, ml, cx, acc; f32: F32Ceil => |x| sem::f32_ceil(x).to_bits() as u64);
        unary!(ip, fp, mb, ml, cx, acc; f32: F32Floor => |x| sem::f32_floor(x).to_bits() as u64);
        unary!(ip, fp, mb, ml, cx, acc; f32: F32Trunc => |x| sem::f32_trunc(x).to_bits() as u64);
        unary!(ip, fp, mb, ml, cx, acc; f32: F32Nearest => |x| sem::f32_nearest(x).to_bits() as u64);
        unary!(ip, fp, mb, ml, cx, acc; f32: F32Sqrt => |x| x.sqrt().to_bits() as u64);
        unary!(ip, fp, mb, ml, cx, acc; f64: F64Abs => |x| x.abs().to_bits());
        unary!(ip, fp, mb, ml, cx, acc; f64: F64Neg => |x| (-x).to_bits());
        unary!(ip, fp, mb, ml, cx, acc; f64: F64Ceil => |x| sem::f64_ceil(x).to_bits());
        unary!(ip, fp, mb, ml, cx, acc; f64: F64Floor => |x| sem::f64_floor(x).to_bits());
        unary!(ip, fp, mb, ml, cx, acc; f64: F64Trunc => |x| sem::f64_trunc(x).to_bits());
        unary!(ip, fp, mb, ml, cx, acc; f64: F64Nearest => |x| sem::f64_nearest(x).to_bits());
        unary!(ip, fp, mb, ml, cx, acc; f64: F64Sqrt => |x| x.sqrt().to_bits());

        // ---- conversions
        unary!(ip, fp, mb, ml, cx, acc; u64: I32WrapI64 => |x| x as u32 as u64);
        unary!(ip, fp, mb, ml, cx, acc; u32: I64ExtendI32S => |x| x as i32 as i64 as u64);
        unary!(ip, fp, mb, ml, cx, acc; f64: F32DemoteF64 => |x| (x as f32).to_bits() as u64);
        unary!(ip, fp, mb, ml, cx, acc; f32: F64PromoteF32 => |x| (x as f64).to_bits());
        unary!(ip, fp, mb, ml, cx, acc; u32: F32ConvertI32S => |x| (x as i32 as f32).to_bits() as u64);
        unary!(ip, fp, mb, ml, cx, acc; u32: F32ConvertI32U => |x| (x as f32).to_bits() as u64);
        unary!(ip, fp, mb, ml, cx, acc; u64: F32ConvertI64S => |x| (x as i64 as f32).to_bits() as u64);
        unary!(ip, fp, mb, ml, cx, acc; u64: F32ConvertI64U => |x| (x as f32).to_bits() as u64);
        unary!(ip, fp, mb, ml, cx, acc; u32: F64ConvertI32S => |x| (x as i32 as f64).to_bits());
        unary!(ip, fp, mb, ml, cx, acc; u32: F64ConvertI32U => |x| (x as f64).to_bits());
        unary!(ip, fp, mb, ml, cx, acc; u64: F64ConvertI64S => |x| (x as i64 as f64).to_bits());
        unary!(ip, fp, mb, ml, cx, acc; u64: F64ConvertI64U => |x| (x as f64).to_bits());
        unary!(ip, fp, mb, ml, cx, acc; f32: I32TruncSatF32S => |x| x as i32 as u32 as u64);
        unary!(ip, fp, mb, ml, cx, acc; f32: I32TruncSatF32U => |x| x as u32 as u64);
        unary!(ip, fp, mb, ml, cx, acc; f64: I32TruncSatF64S => |x| x as i32 as u32 as u64);
        unary!(ip, fp, mb, ml, cx, acc; f64: I32TruncSatF64U => |x| x as u32 as u64);
        unary!(ip, fp, mb, ml, cx, acc; f32: I64TruncSatF32S => |x| x as i64 as u64);
        unary!(ip, fp, mb, ml, cx, acc; f32: I64TruncSatF32U => |x| x as u64);
        unary!(ip, fp, mb, ml, cx, acc; f64: I64TruncSatF64S => |x| x as i64 as u64);
        unary!(ip, fp, mb, ml, cx, acc; f64: I64TruncSatF64U => |x| x as u64);
        trapping_unary!(ip, fp, mb, ml, cx, acc; f32: I32TruncF32S => sem::i32_trunc_f32_s, |v| v as u32 as u64);
        trapping_unary!(ip, fp, mb, ml, cx, acc; f32: I32TruncF32U => sem::i32_trunc_f32_u, |v| v as u64);
        trapping_unary!(ip, fp, mb, ml, cx, acc; f64: I32TruncF64S => sem::i32_trunc_f64_s, |v| v as u32 as u64);
        trapping_unary!(ip, fp, mb, ml, cx, acc; f64: I32TruncF64U => sem::i32_trunc_f64_u, |v| v as u64);
        trapping_unary!(ip, fp, mb, ml, cx, acc; f32: I64TruncF32S => sem::i64_trunc_f32_s, |v| v as u64);
        trapping_unary!(ip, fp, mb, ml, cx, acc; f32: I64TruncF32U => sem::i64_trunc_f32_u, |v| v);
        trapping_unary!(ip, fp, mb, ml, cx, acc; f64: I64TruncF64S => sem::i64_trunc_f64_s, |v| v as u64);
        trapping_unary!(ip, fp, mb, ml, cx, acc; f64: I64TruncF64U => sem::i64_trunc_f64_u, |v| v);

        super::gc_handlers::define_gc_handlers!();
        super::simd::define_simd_handlers!();
        super::atomic::define_atomic_handlers!();

        crate::interp::isa::for_each_op!(handler_table);
    };
}

pub(super) use define_handlers;
