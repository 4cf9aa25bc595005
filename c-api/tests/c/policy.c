/* A sandbox policy from a TOML manifest (silo.h): a WASI guest granted one directory tries to
 * open files in it and outside it; quotas stop it and say which one did. Usage:
 * policy MANIFEST (the manifest grants a directory as /data, a fuel and a memory quota). */

#include "common.h"

static const char* guest =
    "(module"
    "  (import \"wasi_snapshot_preview1\" \"path_open\""
    "    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func $write (param i32 i32 i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"fd_close\" (func $close (param i32) (result i32)))"
    "  (memory (export \"memory\") 1)"
    /* Opens the path at 1024 (`len` bytes) under the first pre-open (fd 3), following
     * symlinks, with `oflags`; writes one byte to what it opened. Returns the errno. */
    "  (func (export \"try_open\") (param $len i32) (param $oflags i32) (result i32)"
    "    (local $e i32)"
    "    (local.set $e (call $open (i32.const 3) (i32.const 1) (i32.const 1024) (local.get $len)"
    "      (local.get $oflags) (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0)"
    "      (i32.const 0)))"
    "    (if (local.get $e) (then (return (local.get $e))))"
    "    (i32.store (i32.const 8) (i32.const 16))"
    "    (i32.store (i32.const 12) (i32.const 1))"
    "    (i32.store8 (i32.const 16) (i32.const 120))"
    "    (drop (call $write (i32.load (i32.const 0)) (i32.const 8) (i32.const 1) (i32.const 20)))"
    "    (drop (call $close (i32.load (i32.const 0))))"
    "    (i32.const 0))"
    "  (func (export \"spin\") (loop (br 0)))"
    "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0))))";

enum { O_CREAT = 1 };

/* The function export at `index` (the guest's order: memory, try_open, spin, grow). */
static const wasm_func_t* export_func(const wasm_extern_vec_t* exports, size_t index) {
  const wasm_func_t* f = wasm_extern_as_func(exports->data[index]);
  CHECK(f != NULL);
  return f;
}

/* Prints the error's message and deletes it; the error must be there. */
static void print_error(const char* what, silo_error_t* error) {
  CHECK(error != NULL);
  wasm_name_t message;
  silo_error_message(error, &message);
  printf("%s: %.*s\n", what, (int)message.size, message.data);
  wasm_name_delete(&message);
  silo_error_delete(error);
}

/* Asks the guest to open `path` and prints what WASI answered. */
static void try_open(const wasm_extern_vec_t* exports, const char* path, int oflags) {
  wasm_memory_t* memory = wasm_extern_as_memory(exports->data[0]);
  size_t len = strlen(path);
  memcpy(wasm_memory_data(memory) + 1024, path, len);
  wasm_val_t args_data[] = {WASM_I32_VAL((int32_t)len), WASM_I32_VAL(oflags)};
  wasm_val_t results_data[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_data);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_data);
  wasm_trap_t* trap = wasm_func_call(export_func(exports, 1), &args, &results);
  CHECK(trap == NULL);
  printf("open %s: errno %d\n", path, results_data[0].of.i32);
}

/* Runs `spin` until a quota stops it; prints which. */
static void spin_until_stopped(const wasm_extern_vec_t* exports) {
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(export_func(exports, 2), &none, &none);
  CHECK(trap != NULL);
  printf("spin stopped by quota %d\n", (int)silo_trap_quota(trap));
  print_trap("spin", trap);
}

/* A store of an engine configured for `policy` (or not), with WASI defined from it. */
static wasm_instance_t* start(silo_policy_t* policy, bool configure, wasm_engine_t** engine,
                              wasm_store_t** store, silo_error_t** define_error) {
  wasm_config_t* config = wasm_config_new();
  if (configure) CHECK(silo_config_apply_policy(config, policy));
  *engine = wasm_engine_new_with_config(config);
  *store = wasm_store_new(*engine);
  wasm_module_t* module = compile(*store, guest);
  silo_linker_t* linker = silo_linker_new(*store);
  *define_error = silo_linker_define_wasi_policy(linker, policy);
  wasm_instance_t* instance = NULL;
  if (*define_error == NULL) {
    wasm_trap_t* trap = NULL;
    check_error(silo_linker_instantiate(linker, module, &instance, &trap), "instantiate");
    CHECK(instance != NULL);
  }
  silo_linker_delete(linker);
  wasm_module_delete(module);
  return instance;
}

int main(int argc, char** argv) {
  CHECK(argc == 2);

  /* 1. The manifest's grants: the guest reaches /data and nothing beside it. */
  silo_policy_t* policy = NULL;
  check_error(silo_policy_load(argv[1], &policy), "load the manifest");
  wasm_engine_t* engine;
  wasm_store_t* store;
  silo_error_t* define_error;
  wasm_instance_t* instance = start(policy, true, &engine, &store, &define_error);
  check_error(define_error, "define wasi");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  try_open(&exports, "inside.txt", O_CREAT);
  try_open(&exports, "../escaped.txt", O_CREAT);
  try_open(&exports, "sub/../../escaped.txt", O_CREAT);
  try_open(&exports, "/etc/passwd", 0);
  try_open(&exports, "out/secret.txt", 0);
  try_open(&exports, "out/escaped.txt", O_CREAT);

  /* The manifest's memory quota refuses a growth; the store says which quota and how much. */
  wasm_val_t pages[] = {WASM_I32_VAL(10)};
  wasm_val_t grown[1] = {WASM_INIT_VAL};
  wasm_val_vec_t grow_args = WASM_ARRAY_VEC(pages);
  wasm_val_vec_t grow_results = WASM_ARRAY_VEC(grown);
  CHECK(wasm_func_call(export_func(&exports, 3), &grow_args, &grow_results) == NULL);
  silo_quota_t quota = SILO_QUOTA_NONE;
  uint64_t limit = 0, requested = 0;
  CHECK(silo_store_last_quota_hit(store, &quota, &limit, &requested));
  printf("memory.grow: %d; refused by quota %d: limit %llu, asked for %llu\n", grown[0].of.i32,
         (int)quota, (unsigned long long)limit, (unsigned long long)requested);

  /* Its fuel quota stops a guest that never ends. */
  spin_until_stopped(&exports);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  silo_policy_delete(policy);

  /* 2. A policy granted item by item: every change is checked. */
  policy = silo_policy_new();
  print_error("fuel 0", silo_policy_set_quota(policy, SILO_QUOTA_FUEL, 0));
  print_error("unknown quota", silo_policy_set_quota(policy, 200, 1));
  check_error(silo_policy_grant_dir(policy, "/tmp", "/data", false), "grant /data");
  print_error("guest path twice", silo_policy_grant_dir(policy, "/tmp", "/data", true));
  check_error(silo_policy_set_quota(policy, SILO_QUOTA_TIMEOUT, 50), "timeout");
  /* An engine without deadline checks cannot hold the timeout. */
  CHECK(start(policy, false, &engine, &store, &define_error) == NULL);
  print_error("unconfigured engine", define_error);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  instance = start(policy, true, &engine, &store, &define_error);
  check_error(define_error, "define wasi");
  wasm_instance_exports(instance, &exports);
  spin_until_stopped(&exports);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  silo_policy_delete(policy);

  /* 3. Manifests from text: a pinned module, a mistake. */
  const char* pinned =
      "sha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"\n";
  check_error(silo_policy_parse(pinned, strlen(pinned), &policy), "parse");
  wasm_byte_vec_t binary;
  check_error(silo_wat2wasm(guest, strlen(guest), &binary), "wat2wasm");
  silo_error_t* refused = silo_policy_check_module(policy, &binary);
  CHECK(refused != NULL);
  printf("pinned module refused\n");
  silo_error_delete(refused);
  wasm_byte_vec_delete(&binary);
  silo_policy_delete(policy);
  const char* wrong = "[limits]\nfuel = \"lots\"\n";
  silo_policy_t* none = NULL;
  print_error("bad manifest", silo_policy_parse(wrong, strlen(wrong), &none));
  CHECK(none == NULL);

  /* 4. Bad input: a missing manifest, a directory that is not there, NULL arguments. */
  print_error("missing manifest", silo_policy_load("/nonexistent/policy.toml", &none));
  CHECK(none == NULL);
  policy = silo_policy_new();
  check_error(silo_policy_grant_dir(policy, "/nonexistent/dir", "/data", false), "grant");
  CHECK(start(policy, true, &engine, &store, &define_error) == NULL);
  print_error("missing directory", define_error);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  silo_policy_delete(policy);
  print_error("NULL policy", silo_policy_set_quota(NULL, SILO_QUOTA_FUEL, 1));
  print_error("NULL text", silo_policy_parse(NULL, 1, &none));
  print_error("NULL linker", silo_linker_define_wasi_policy(NULL, NULL));
  CHECK(silo_trap_quota(NULL) == SILO_QUOTA_NONE);
  CHECK(!silo_store_last_quota_hit(NULL, NULL, NULL, NULL));
  CHECK(!silo_config_apply_policy(NULL, NULL));
  silo_policy_delete(NULL);
  printf("Done.\n");
  return 0;
}
