;; Extism-style plugin importing a host function the Extism-compatible host does not provide: loading must fail.
(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "socket_connect" (func $socket_connect (param i64) (result i64)))
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (drop (call $socket_connect (call $input_length)))
    (i32.const 0)))
