/* Threads: one module, shared with wasm_module_share, obtained and instantiated in a store of
 * its own on each of several threads, each calling a host function with its thread's id. */

#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "common.h"

#define THREADS 6
#define ITERATIONS 200

static wasm_engine_t* engine;
static wasm_shared_module_t* shared;

typedef struct {
  int id;
  long sum;
} work_t;

static wasm_trap_t* add_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  ((work_t*)env)->sum += args->data[0].of.i32;
  return NULL;
}

static void* run(void* arg) {
  work_t* work = arg;
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = wasm_module_obtain(store, shared);
  CHECK(module != NULL);

  wasm_functype_t* type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* add = wasm_func_new_with_env(store, type, add_callback, work, NULL);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(add)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* go = wasm_extern_as_func(exports.data[0]);
  for (int i = 0; i < ITERATIONS; i++) {
    wasm_val_t a[1] = {WASM_I32_VAL(work->id)};
    wasm_val_vec_t args = WASM_ARRAY_VEC(a);
    wasm_val_vec_t results = WASM_EMPTY_VEC;
    CHECK(wasm_func_call(go, &args, &results) == NULL);
  }
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(add);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return NULL;
}

int main(void) {
  engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module (func $add (import \"\" \"add\") (param i32))"
      "  (func (export \"go\") (param i32) (call $add (i32.mul (local.get 0) (i32.const 10)))))");
  shared = wasm_module_share(module);
  wasm_module_delete(module);
  wasm_store_delete(store);

  pthread_t threads[THREADS];
  work_t work[THREADS];
  for (int i = 0; i < THREADS; i++) {
    work[i] = (work_t){i + 1, 0};
    CHECK(pthread_create(&threads[i], NULL, run, &work[i]) == 0);
  }
  long total = 0;
  for (int i = 0; i < THREADS; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(work[i].sum == (long)(i + 1) * 10 * ITERATIONS);
    total += work[i].sum;
  }
  printf("total: %ld\n", total);

  /* A store of another engine cannot obtain the module. */
  wasm_engine_t* other = wasm_engine_new();
  wasm_store_t* other_store = wasm_store_new(other);
  CHECK(wasm_module_obtain(other_store, shared) == NULL);
  wasm_store_delete(other_store);
  wasm_engine_delete(other);

  wasm_shared_module_delete(shared);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
