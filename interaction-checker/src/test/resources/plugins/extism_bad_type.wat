;; Extism-style plugin importing a known host function with the wrong type (alloc takes and returns u64).
(module
  (import "extism:host/env" "alloc" (func $alloc (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (drop (call $alloc (i32.const 8)))
    (i32.const 0)))
