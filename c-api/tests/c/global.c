/* Globals: imported from the host (const and var), exported by the module, read and written
 * from both sides. */

#include "common.h"

static wasm_global_t* get_global(wasm_extern_vec_t* exports, size_t i) {
  CHECK(i < exports->size);
  wasm_global_t* g = wasm_extern_as_global(exports->data[i]);
  CHECK(g != NULL);
  return g;
}

static wasm_func_t* get_func(wasm_extern_vec_t* exports, size_t i) {
  CHECK(i < exports->size);
  wasm_func_t* f = wasm_extern_as_func(exports->data[i]);
  CHECK(f != NULL);
  return f;
}

static int64_t call_i64(const wasm_func_t* f) {
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = WASM_ARRAY_VEC(rs);
  CHECK(wasm_func_call(f, &args, &results) == NULL);
  CHECK(rs[0].kind == WASM_I64);
  return rs[0].of.i64;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module"
      "  (global $ci (import \"\" \"const\") i64)"
      "  (global $vi (import \"\" \"var\") (mut i64))"
      "  (global $ce (export \"const-export\") f32 (f32.const 5))"
      "  (global $ve (export \"var-export\") (mut i64) (i64.const 7))"
      "  (func (export \"get-const\") (result i64) (global.get $ci))"
      "  (func (export \"get-var\") (result i64) (global.get $vi))"
      "  (func (export \"set-var\") (param i64) (global.set $vi (local.get 0)))"
      "  (func (export \"get-var-export\") (result i64) (global.get $ve)))");

  wasm_globaltype_t* const_type = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_CONST);
  wasm_globaltype_t* var_type = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  CHECK(wasm_globaltype_mutability(var_type) == WASM_VAR);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(var_type)) == WASM_I64);
  wasm_val_t one = WASM_I64_VAL(1);
  wasm_val_t two = WASM_I64_VAL(2);
  wasm_global_t* const_global = wasm_global_new(store, const_type, &one);
  wasm_global_t* var_global = wasm_global_new(store, var_type, &two);
  /* A value of the wrong type is refused. */
  wasm_val_t wrong = WASM_I32_VAL(1);
  CHECK(wasm_global_new(store, const_type, &wrong) == NULL);
  wasm_globaltype_delete(const_type);
  wasm_globaltype_delete(var_type);

  wasm_extern_t* imports[] = {wasm_global_as_extern(const_global),
                              wasm_global_as_extern(var_global)};
  wasm_instance_t* instance = instantiate(store, module, imports, 2);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 6);

  wasm_global_t* const_export = get_global(&exports, 0);
  wasm_global_t* var_export = get_global(&exports, 1);
  wasm_func_t* get_const = get_func(&exports, 2);
  wasm_func_t* get_var = get_func(&exports, 3);
  wasm_func_t* set_var = get_func(&exports, 4);
  wasm_func_t* get_var_export = get_func(&exports, 5);

  wasm_val_t v;
  wasm_global_get(const_export, &v);
  CHECK(v.kind == WASM_F32 && v.of.f32 == 5.0f);
  wasm_globaltype_t* t = wasm_global_type(var_export);
  CHECK(wasm_globaltype_mutability(t) == WASM_VAR);
  wasm_globaltype_delete(t);

  CHECK(call_i64(get_const) == 1);
  CHECK(call_i64(get_var) == 2);

  /* Host writes are seen by WebAssembly... */
  wasm_val_t v9 = WASM_I64_VAL(9);
  wasm_global_set(var_global, &v9);
  CHECK(call_i64(get_var) == 9);
  wasm_val_t v17 = WASM_I64_VAL(17);
  wasm_global_set(var_export, &v17);
  CHECK(call_i64(get_var_export) == 17);
  /* ...and WebAssembly's writes by the host. */
  wasm_val_t a[1] = {WASM_I64_VAL(42)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(set_var, &args, &none) == NULL);
  wasm_global_get(var_global, &v);
  CHECK(v.kind == WASM_I64 && v.of.i64 == 42);
  /* An immutable global does not change. */
  wasm_global_set(const_global, &v9);
  wasm_global_get(const_global, &v);
  CHECK(v.of.i64 == 1);
  printf("globals: const=%lld var=%lld\n", (long long)call_i64(get_const),
         (long long)call_i64(get_var));

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_global_delete(const_global);
  wasm_global_delete(var_global);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
