;; Misbehaving plugin: check grabs memory a page at a time until memory.grow fails, then aborts
;; the way a Rust plugin does when an allocation fails.
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
    (block $capped
      (loop $more
        (br_if $capped (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $more)))
    unreachable))
