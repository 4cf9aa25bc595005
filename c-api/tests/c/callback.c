/* Host functions with an environment: the callback sees its env, calls back into WebAssembly
 * from inside the call (the store is lent to it), and the finalizer runs exactly once, when the
 * store is deleted. Also host info on objects, with its finalizer. */

#include "common.h"

typedef struct {
  int calls;
  const wasm_func_t* square; /* a WebAssembly export the callback calls back into */
} env_t;

static int env_finalized = 0;
static int info_finalized = 0;

static void finalize_env(void* env) {
  ((env_t*)env)->calls = -1;
  env_finalized++;
}

static void finalize_info(void* info) {
  CHECK(strcmp((const char*)info, "info") == 0);
  info_finalized++;
}

/* (i32) -> i32: counts the call, then returns square(x) + 1 computed by WebAssembly. */
static wasm_trap_t* callback(void* data, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  env_t* env = data;
  env->calls++;
  CHECK(args->size == 1 && args->data[0].kind == WASM_I32);
  CHECK(results->size == 1 && results->data[0].kind == WASM_I32);
  wasm_val_t a[1] = {WASM_I32_VAL(args->data[0].of.i32)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t inner_args = WASM_ARRAY_VEC(a);
  wasm_val_vec_t inner_results = WASM_ARRAY_VEC(r);
  wasm_trap_t* trap = wasm_func_call(env->square, &inner_args, &inner_results);
  if (trap != NULL) return trap;
  results->data[0].of.i32 = r[0].of.i32 + 1;
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module"
      "  (func $host (import \"\" \"host\") (param i32) (result i32))"
      "  (func (export \"square\") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))"
      "  (func (export \"run\") (param i32) (result i32)"
      "    (i32.add (call $host (local.get 0)) (i32.const 1000))))");

  env_t env = {0, NULL};
  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new_with_env(store, type, callback, &env, finalize_env);
  wasm_functype_delete(type);
  wasm_func_set_host_info_with_finalizer(host, "info", finalize_info);
  CHECK(strcmp(wasm_func_get_host_info(host), "info") == 0);

  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_instance_set_host_info(instance, &env);
  CHECK(wasm_instance_get_host_info(instance) == &env);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  env.square = wasm_extern_as_func(exports.data[0]);
  const wasm_func_t* run = wasm_extern_as_func(exports.data[1]);

  for (int32_t x = 1; x <= 3; x++) {
    wasm_val_t a[1] = {WASM_I32_VAL(x)};
    wasm_val_t r[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(a);
    wasm_val_vec_t results = WASM_ARRAY_VEC(r);
    CHECK(wasm_func_call(run, &args, &results) == NULL);
    printf("run(%d) = %d\n", x, r[0].of.i32);
  }
  printf("calls: %d\n", env.calls);

  /* A copy has no host info; deleting the object runs its info's finalizer, not the env's. */
  wasm_func_t* copy = wasm_func_copy(host);
  CHECK(wasm_func_get_host_info(copy) == NULL);
  CHECK(wasm_func_same(copy, host));
  wasm_func_delete(copy);
  wasm_func_delete(host);
  printf("info finalized: %d, env finalized: %d\n", info_finalized, env_finalized);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  printf("after store delete: env finalized: %d (calls = %d)\n", env_finalized, env.calls);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
