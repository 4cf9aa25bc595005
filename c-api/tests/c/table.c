/* Tables: functions in a table called indirectly, elements read, set and grown by the host,
 * null elements and the traps on bad indirect calls. */

#include "common.h"

static wasm_trap_t* neg(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = -args->data[0].of.i32;
  return NULL;
}

static int32_t call_indirect(const wasm_func_t* f, int32_t arg, int32_t index, wasm_trap_t** trap) {
  wasm_val_t a[2] = {WASM_I32_VAL(arg), WASM_I32_VAL(index)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a);
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  *trap = wasm_func_call(f, &args, &results);
  return r[0].of.i32;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module"
      "  (table (export \"table\") 2 10 funcref)"
      "  (type $i_i (func (param i32) (result i32)))"
      "  (func $double (export \"double\") (type $i_i) (i32.mul (local.get 0) (i32.const 2)))"
      "  (func (export \"call_indirect\") (param i32 i32) (result i32)"
      "    (call_indirect (type $i_i) (local.get 0) (local.get 1)))"
      "  (elem (i32.const 1) $double))");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_table_t* table = wasm_extern_as_table(exports.data[0]);
  wasm_func_t* dbl = wasm_extern_as_func(exports.data[1]);
  const wasm_func_t* call = wasm_extern_as_func(exports.data[2]);
  CHECK(table && dbl && call);

  CHECK(wasm_table_size(table) == 2);
  wasm_tabletype_t* type = wasm_table_type(table);
  CHECK(wasm_valtype_kind(wasm_tabletype_element(type)) == WASM_FUNCREF);
  CHECK(wasm_tabletype_limits(type)->min == 2 && wasm_tabletype_limits(type)->max == 10);
  wasm_tabletype_delete(type);

  CHECK(wasm_table_get(table, 0) == NULL);
  wasm_ref_t* elem = wasm_table_get(table, 1);
  CHECK(elem != NULL);
  CHECK(wasm_ref_same(elem, wasm_func_as_ref(dbl)));
  CHECK(wasm_ref_as_func(elem) != NULL && wasm_ref_as_global(elem) == NULL);
  wasm_ref_delete(elem);
  CHECK(wasm_table_get(table, 2) == NULL);

  wasm_trap_t* trap;
  CHECK(call_indirect(call, 21, 1, &trap) == 42 && trap == NULL);
  call_indirect(call, 1, 0, &trap);
  CHECK(trap != NULL);
  print_trap("null element", trap);
  call_indirect(call, 1, 2, &trap);
  CHECK(trap != NULL);
  print_trap("out of bounds", trap);

  /* A host function in the table. */
  wasm_functype_t* neg_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* neg_func = wasm_func_new(store, neg_type, neg);
  wasm_functype_delete(neg_type);
  CHECK(wasm_table_set(table, 0, wasm_func_as_ref(neg_func)));
  CHECK(call_indirect(call, 5, 0, &trap) == -5 && trap == NULL);
  CHECK(!wasm_table_set(table, 2, wasm_func_as_ref(neg_func)));

  /* Growing, with the new elements set. */
  CHECK(wasm_table_grow(table, 3, wasm_func_as_ref(dbl)));
  CHECK(wasm_table_size(table) == 5);
  CHECK(call_indirect(call, 4, 4, &trap) == 8 && trap == NULL);
  CHECK(wasm_table_set(table, 4, NULL));
  CHECK(wasm_table_get(table, 4) == NULL);
  CHECK(!wasm_table_grow(table, 6, NULL));
  printf("table: %u elements\n", (unsigned)wasm_table_size(table));

  /* A table made by the host. */
  wasm_limits_t limits = {1, wasm_limits_max_default};
  wasm_tabletype_t* host_type = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_table_t* host_table = wasm_table_new(store, host_type, wasm_func_as_ref(neg_func));
  CHECK(host_table != NULL && wasm_table_size(host_table) == 1);
  wasm_ref_t* first = wasm_table_get(host_table, 0);
  CHECK(wasm_ref_same(first, wasm_func_as_ref(neg_func)));
  wasm_ref_delete(first);
  wasm_tabletype_delete(host_type);
  wasm_table_delete(host_table);

  wasm_func_delete(neg_func);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
