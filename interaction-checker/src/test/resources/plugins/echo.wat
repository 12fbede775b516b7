;; Well-behaved plugin: returns its input unchanged. If the input starts with a little-endian u32 n,
;; it first spins n iterations (to keep a call in flight in tests).
(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (func (export "abi_version") (result i32) (i32.const 1))
  ;; bump allocator: never frees, enough for tests
  (func (export "alloc") (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $len)))
    (local.get $p))
  (func (export "dealloc") (param i32 i32))
  (func (export "check") (param $ptr i32) (param $len i32) (result i64)
    (local $n i32)
    (if (i32.ge_u (local.get $len) (i32.const 4))
      (then (local.set $n (i32.load (local.get $ptr)))))
    (block $done
      (loop $spin
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $spin)))
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
      (i64.extend_i32_u (local.get $len)))))
