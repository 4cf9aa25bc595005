/* Serialization: a module serialized (to native code, with the default engine) and
 * deserialized runs the same; damaged bytes are refused. */

#include "common.h"

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module (func (export \"answer\") (result i32) (i32.const 42)))");

  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  CHECK(serialized.size > 13 && memcmp(serialized.data, "\0silo-native\n", 13) == 0);
  CHECK(!wasm_module_validate(store, &serialized));
  wasm_module_delete(module);

  /* One flipped byte: refused, not run. */
  wasm_byte_vec_t damaged;
  wasm_byte_vec_copy(&damaged, &serialized);
  damaged.data[damaged.size / 2] ^= 1;
  CHECK(wasm_module_deserialize(store, &damaged) == NULL);
  wasm_byte_vec_delete(&damaged);

  wasm_module_t* again = wasm_module_deserialize(store, &serialized);
  CHECK(again != NULL);
  wasm_byte_vec_delete(&serialized);

  wasm_instance_t* instance = instantiate(store, again, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  CHECK(wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results) == NULL);
  printf("answer: %d\n", r[0].of.i32);

  /* Garbage is neither valid nor a module. */
  wasm_byte_vec_t junk;
  wasm_byte_vec_new(&junk, 5, "junk!");
  CHECK(!wasm_module_validate(store, &junk));
  CHECK(wasm_module_new(store, &junk) == NULL);
  CHECK(wasm_module_deserialize(store, &junk) == NULL);
  wasm_byte_vec_delete(&junk);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(again);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
