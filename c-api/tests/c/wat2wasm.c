/* Text to binary (silo.h), and its errors. */

#include "common.h"

int main(void) {
  const char* text = "(module (func (export \"f\") (result i32) (i32.const 7)))";
  wasm_byte_vec_t binary;
  check_error(silo_wat2wasm(text, strlen(text), &binary), "wat2wasm");
  CHECK(binary.size > 8 && memcmp(binary.data, "\0asm\1\0\0\0", 8) == 0);
  printf("binary: %zu bytes\n", binary.size);

  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  CHECK(wasm_module_validate(store, &binary));
  wasm_byte_vec_delete(&binary);

  /* Text is not binary: wasm_module_new takes the binary format only. */
  wasm_byte_vec_t as_bytes;
  wasm_byte_vec_new(&as_bytes, strlen(text), text);
  CHECK(!wasm_module_validate(store, &as_bytes));
  wasm_byte_vec_delete(&as_bytes);

  const char* bad = "(module (func (result i32) (i64.const 1)))";
  wasm_byte_vec_t out = WASM_EMPTY_VEC;
  silo_error_t* error = silo_wat2wasm(bad, strlen(bad), &out);
  CHECK(error == NULL); /* well-formed text: the type error is found when validating */
  CHECK(!wasm_module_validate(store, &out));
  wasm_byte_vec_delete(&out);

  const char* broken = "(module (func";
  error = silo_wat2wasm(broken, strlen(broken), &out);
  CHECK(error != NULL);
  wasm_name_t message;
  silo_error_message(error, &message);
  CHECK(message.size > 0);
  printf("broken text: error\n");
  wasm_name_delete(&message);
  silo_error_delete(error);
  silo_error_t* no_text = silo_wat2wasm(NULL, 1, &out);
  CHECK(no_text != NULL);
  silo_error_delete(no_text);

  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
