/* Every reference object converts to wasm_ref_t and back (wasm.h's `_as_ref` / `ref_as_`):
 * modules, instances, traps, foreign objects and externs. A copy made through the reference is a
 * copy of the whole object; deleting it deletes the whole object (Valgrind checks the sizes). */

#include "common.h"

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module (func (export \"f\") (param funcref) (result i32) (i32.const 1))"
      "  (func (export \"id\") (param externref) (result externref) (local.get 0)))");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);

  /* Modules. */
  wasm_ref_t* module_ref = wasm_module_as_ref(module);
  CHECK(wasm_ref_as_module(module_ref) == module);
  CHECK(wasm_ref_as_instance(module_ref) == NULL && wasm_ref_as_trap(module_ref) == NULL);
  CHECK(wasm_ref_as_func(module_ref) == NULL && wasm_ref_as_foreign(module_ref) == NULL);
  wasm_ref_t* module_copy = wasm_ref_copy(module_ref);
  wasm_module_t* copied = wasm_ref_as_module(module_copy);
  CHECK(copied != NULL && copied != module && wasm_module_same(copied, module));
  CHECK(wasm_ref_same(module_copy, module_ref));
  wasm_exporttype_vec_t exports;
  wasm_module_exports(copied, &exports);
  CHECK(exports.size == 2);
  wasm_exporttype_vec_delete(&exports);
  wasm_module_set_host_info(copied, (void*)1);
  CHECK(wasm_module_get_host_info(module) == NULL && wasm_ref_get_host_info(module_copy) == (void*)1);
  wasm_module_t* other = compile(store, "(module)");
  CHECK(!wasm_module_same(other, module) && !wasm_ref_same(wasm_module_as_ref(other), module_ref));
  wasm_module_delete(other);
  wasm_ref_delete(module_copy);
  printf("modules: ok\n");

  /* Instances. */
  const wasm_ref_t* instance_ref = wasm_instance_as_ref_const(instance);
  CHECK(wasm_ref_as_instance_const(instance_ref) == instance);
  CHECK(wasm_ref_as_module_const(instance_ref) == NULL);
  wasm_ref_t* instance_copy = wasm_ref_copy(instance_ref);
  CHECK(wasm_instance_same(wasm_ref_as_instance(instance_copy), instance));
  wasm_extern_vec_t instance_exports;
  wasm_instance_exports(wasm_ref_as_instance(instance_copy), &instance_exports);
  CHECK(instance_exports.size == 2);
  const wasm_func_t* f = wasm_extern_as_func(instance_exports.data[0]);
  CHECK(!wasm_ref_same(instance_ref, wasm_func_as_ref_const(f)));
  wasm_ref_delete(instance_copy);
  printf("instances: ok\n");

  /* A reference that is no function cannot be passed as a funcref. */
  wasm_val_t args_data[] = {{.kind = WASM_FUNCREF, .of = {.ref = wasm_module_as_ref(module)}}};
  wasm_val_t results_data[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_data);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_data);
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  CHECK(trap != NULL);

  /* Traps. */
  wasm_ref_t* trap_ref = wasm_trap_as_ref(trap);
  CHECK(wasm_ref_as_trap(trap_ref) == trap && wasm_ref_as_module(trap_ref) == NULL);
  wasm_ref_t* trap_copy = wasm_ref_copy(trap_ref);
  CHECK(!wasm_ref_same(trap_copy, trap_ref) && wasm_ref_same(trap_ref, trap_ref));
  wasm_trap_set_host_info(trap, (void*)2);
  CHECK(wasm_ref_get_host_info(trap_ref) == (void*)2);
  CHECK(wasm_trap_get_host_info(wasm_ref_as_trap(trap_copy)) == NULL);
  wasm_trap_delete(trap);
  print_trap("funcref of a module", wasm_ref_as_trap(trap_copy));

  /* Foreign objects and externs as references, in values. */
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_ref_t* foreign_ref = wasm_foreign_as_ref(foreign);
  CHECK(wasm_ref_as_foreign(foreign_ref) == foreign && wasm_ref_as_trap(foreign_ref) == NULL);
  wasm_val_t value = {.kind = WASM_EXTERNREF, .of = {.ref = wasm_ref_copy(foreign_ref)}};
  wasm_val_t value_copy;
  wasm_val_copy(&value_copy, &value);
  CHECK(wasm_ref_same(value_copy.of.ref, foreign_ref));
  /* Through WebAssembly and back: another handle, the same object. */
  wasm_val_t through_data[1] = {WASM_INIT_VAL};
  wasm_val_vec_t id_args = {1, &value};
  wasm_val_vec_t through = WASM_ARRAY_VEC(through_data);
  CHECK(wasm_func_call(wasm_extern_as_func(instance_exports.data[1]), &id_args, &through) == NULL);
  CHECK(through_data[0].kind == WASM_EXTERNREF && wasm_ref_same(through_data[0].of.ref, foreign_ref));
  wasm_foreign_t* other_foreign = wasm_foreign_new(store);
  CHECK(!wasm_ref_same(through_data[0].of.ref, wasm_foreign_as_ref(other_foreign)));
  wasm_foreign_delete(other_foreign);
  wasm_val_delete(&through_data[0]);
  wasm_val_delete(&value);
  wasm_val_delete(&value_copy);
  wasm_val_t module_value = {.kind = WASM_FUNCREF, .of = {.ref = wasm_ref_copy(module_ref)}};
  wasm_val_t module_value_copy;
  wasm_val_copy(&module_value_copy, &module_value);
  CHECK(wasm_module_same(wasm_ref_as_module(module_value_copy.of.ref), module));
  wasm_val_delete(&module_value);
  wasm_val_delete(&module_value_copy);
  wasm_foreign_delete(foreign);
  printf("foreign: ok\n");

  wasm_extern_vec_delete(&instance_exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
