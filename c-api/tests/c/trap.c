/* Traps: one returned by a host callback, one raised by WebAssembly, their messages and
 * traces. */

#include "common.h"

static wasm_store_t* the_store;

static wasm_trap_t* fail_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "callback abort");
  wasm_trap_t* trap = wasm_trap_new(the_store, &message);
  wasm_name_delete(&message);
  return trap;
}

static void print_frame(const char* what, const wasm_frame_t* frame) {
  printf("%s: func %u, func offset 0x%zx, module offset 0x%zx, instance %s\n", what,
         (unsigned)wasm_frame_func_index(frame), wasm_frame_func_offset(frame),
         wasm_frame_module_offset(frame), wasm_frame_instance(frame) ? "known" : "unknown");
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  the_store = store;
  wasm_module_t* module = compile(store,
      "(module"
      "  (func $fail (import \"\" \"fail\") (result i32))"
      "  (func (export \"callback\") (result i32) (call $fail))"
      "  (func $inner (i32.const 1) (i32.const 0) (i32.div_s) (drop))"
      "  (func (export \"divide\") (call $inner)))");
  wasm_functype_t* fail_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* fail = wasm_func_new(store, fail_type, fail_callback);
  wasm_functype_delete(fail_type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(fail)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  for (size_t i = 0; i < exports.size; i++) {
    const wasm_func_t* f = wasm_extern_as_func(exports.data[i]);
    wasm_val_t r[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_EMPTY_VEC;
    wasm_val_vec_t results = {wasm_func_result_arity(f), r};
    wasm_trap_t* trap = wasm_func_call(f, &args, &results);
    CHECK(trap != NULL);

    wasm_frame_t* origin = wasm_trap_origin(trap);
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    if (i == 0) {
      CHECK(origin != NULL); /* the WebAssembly caller of the host function */
      CHECK(wasm_frame_func_index(origin) == 1);
    } else {
      CHECK(origin != NULL);
      CHECK(trace.size == 2);
      CHECK(wasm_frame_func_index(trace.data[0]) == 2);
      CHECK(wasm_frame_func_index(trace.data[1]) == 3);
      CHECK(wasm_frame_instance(trace.data[0]) != NULL);
      CHECK(wasm_frame_func_offset(trace.data[0]) > 0);
      CHECK(wasm_frame_module_offset(trace.data[0]) > wasm_frame_func_offset(trace.data[0]));
    }
    print_frame("origin", origin);
    for (size_t j = 0; j < trace.size; j++) print_frame("frame", trace.data[j]);
    printf("trace of %zu frames\n", trace.size);
    wasm_frame_t* copy = wasm_frame_copy(origin);
    CHECK(wasm_frame_func_index(copy) == wasm_frame_func_index(origin));
    wasm_frame_delete(copy);
    wasm_frame_delete(origin);
    wasm_frame_vec_delete(&trace);
    print_trap(i == 0 ? "callback trap" : "wasm trap", trap);
  }

  /* A trap made by the host has no frames. */
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "made here");
  wasm_trap_t* trap = wasm_trap_new(store, &message);
  wasm_name_delete(&message);
  CHECK(wasm_trap_origin(trap) == NULL);
  CHECK(wasm_trap_same(trap, trap));
  wasm_trap_t* copy = wasm_trap_copy(trap);
  wasm_trap_delete(trap);
  print_trap("host trap", copy);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(fail);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
