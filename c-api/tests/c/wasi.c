/* WASI through the linker (silo.h): a guest writes to the inherited standard output, reads
 * its arguments and environment, and exits with a status. */

#include "common.h"

static const char* guest =
    "(module"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func $fd_write (param i32 i32 i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"args_sizes_get\" (func $args_sizes (param i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"environ_sizes_get\" (func $env_sizes (param i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))"
    "  (import \"host\" \"report\" (func $report (param i32 i32)))"
    "  (memory (export \"memory\") 1)"
    "  (data (i32.const 16) \"hello from wasi\\n\")"
    "  (func (export \"_start\")"
    "    (i32.store (i32.const 0) (i32.const 16))"
    "    (i32.store (i32.const 4) (i32.const 16))"
    "    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))"
    "    (drop (call $args_sizes (i32.const 100) (i32.const 104)))"
    "    (drop (call $env_sizes (i32.const 108) (i32.const 112)))"
    "    (call $report (i32.load (i32.const 100)) (i32.load (i32.const 108)))"
    "    (call $exit (i32.const 7))))";

static wasm_trap_t* report(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  printf("argc=%d envc=%d\n", args->data[0].of.i32, args->data[1].of.i32);
  fflush(stdout);
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store, guest);

  silo_wasi_config_t* wasi = silo_wasi_config_new();
  const char* argv[] = {"guest", "one", "two"};
  CHECK(silo_wasi_config_set_argv(wasi, 3, argv));
  const char* names[] = {"GREETING"};
  const char* values[] = {"hi"};
  CHECK(silo_wasi_config_set_env(wasi, 1, names, values));
  silo_wasi_config_inherit_stdio(wasi);

  silo_linker_t* linker = silo_linker_new(store);
  check_error(silo_linker_define_wasi(linker, wasi), "define wasi");
  wasm_functype_t* type = wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* report_func = wasm_func_new(store, type, report);
  wasm_functype_delete(type);
  wasm_name_t host, name;
  wasm_name_new_from_string(&host, "host");
  wasm_name_new_from_string(&name, "report");
  check_error(silo_linker_define(linker, &host, &name, wasm_func_as_extern(report_func)), "define");
  /* Defining a name twice is an error. */
  silo_error_t* twice = silo_linker_define(linker, &host, &name, wasm_func_as_extern(report_func));
  CHECK(twice != NULL);
  silo_error_delete(twice);
  wasm_name_delete(&host);
  wasm_name_delete(&name);

  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  check_error(silo_linker_instantiate(linker, module, &instance, &trap), "instantiate");
  CHECK(instance != NULL && trap == NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* start = wasm_extern_as_func(exports.data[1]);
  CHECK(start != NULL);
  fflush(stdout);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(start, &none, &none);
  CHECK(trap != NULL);
  int status = -1;
  CHECK(silo_trap_exit_status(trap, &status));
  printf("exit status: %d\n", status);
  wasm_trap_delete(trap);

  /* A module with an import nobody defined does not link. */
  wasm_module_t* missing = compile(store, "(module (import \"nowhere\" \"f\" (func)))");
  wasm_instance_t* none_instance = NULL;
  silo_error_t* error = silo_linker_instantiate(linker, missing, &none_instance, NULL);
  CHECK(error != NULL && none_instance == NULL);
  silo_error_delete(error);
  wasm_module_delete(missing);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(report_func);
  silo_linker_delete(linker);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
