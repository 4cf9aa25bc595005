/* Multiple values: a host function taking and returning four values of four types, called from
 * WebAssembly, and a WebAssembly function returning several values to the host. */

#include "common.h"

static wasm_trap_t* reverse(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 4 && results->size == 4);
  for (size_t i = 0; i < 4; i++) {
    CHECK(results->data[3 - i].kind == args->data[i].kind);
    wasm_val_copy(&results->data[3 - i], &args->data[i]);
  }
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module"
      "  (func $rev (import \"\" \"reverse\") (param i32 i64 f32 f64) (result f64 f32 i64 i32))"
      "  (func (export \"run\") (param i32 i64 f32 f64) (result f64 f32 i64 i32)"
      "    (call $rev (local.get 0) (local.get 1) (local.get 2) (local.get 3))))");

  wasm_valtype_t* ps[4] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32(),
                           wasm_valtype_new_f64()};
  wasm_valtype_t* rs[4] = {wasm_valtype_new_f64(), wasm_valtype_new_f32(), wasm_valtype_new_i64(),
                           wasm_valtype_new_i32()};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 4, ps);
  wasm_valtype_vec_new(&results, 4, rs);
  wasm_functype_t* type = wasm_functype_new(&params, &results);
  CHECK(params.size == 0 && results.size == 0); /* taken over */
  CHECK(wasm_functype_params(type)->size == 4);
  CHECK(wasm_valtype_kind(wasm_functype_results(type)->data[0]) == WASM_F64);
  wasm_functype_t* type_copy = wasm_functype_copy(type);
  wasm_func_t* host = wasm_func_new(store, type_copy, reverse);
  wasm_functype_delete(type);
  wasm_functype_delete(type_copy);

  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* run = wasm_extern_as_func(exports.data[0]);
  CHECK(wasm_func_param_arity(run) == 4 && wasm_func_result_arity(run) == 4);

  wasm_val_t a[4] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_F32_VAL(3.5f), WASM_F64_VAL(4.25)};
  wasm_val_t r[4] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a);
  wasm_val_vec_t res = WASM_ARRAY_VEC(r);
  CHECK(wasm_func_call(run, &args, &res) == NULL);
  CHECK(r[0].kind == WASM_F64 && r[1].kind == WASM_F32 && r[2].kind == WASM_I64 &&
        r[3].kind == WASM_I32);
  printf("results: %g %g %lld %d\n", r[0].of.f64, (double)r[1].of.f32, (long long)r[2].of.i64,
         r[3].of.i32);

  /* Too few result slots is a trap, not a crash. */
  wasm_val_vec_t short_res = {2, r};
  wasm_trap_t* trap = wasm_func_call(run, &args, &short_res);
  CHECK(trap != NULL);
  print_trap("short results", trap);
  /* So is an argument of the wrong type. */
  a[0] = (wasm_val_t)WASM_I64_VAL(1);
  trap = wasm_func_call(run, &args, &res);
  CHECK(trap != NULL);
  wasm_trap_delete(trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
