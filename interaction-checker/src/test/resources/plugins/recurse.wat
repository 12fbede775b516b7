;; Misbehaving plugin: check recurses without end until the call stack is exhausted.
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
  (func $deeper (param $n i32) (result i32)
    (i32.add (call $deeper (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))
  (func (export "check") (param $ptr i32) (param $len i32) (result i64)
    (i64.extend_i32_u (call $deeper (i32.const 0)))))
