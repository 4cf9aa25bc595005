/*
 * silo.h — Silo's extensions to the standard WebAssembly C API (wasm.h).
 *
 * Functions that can fail return an owned `silo_error_t*`: NULL on success, otherwise an error
 * to read with silo_error_message and free with silo_error_delete. Ownership follows wasm.h's
 * rules (`own` marks a transfer).
 */

#ifndef SILO_H
#define SILO_H

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------- */
/* Errors */

typedef struct silo_error_t silo_error_t;

/* The error's message (a new name, not NUL-terminated). */
void silo_error_message(const silo_error_t*, own wasm_name_t* out);
void silo_error_delete(own silo_error_t*);

/* ---------------------------------------------------------------------------------------- */
/* Value kinds beyond the standard's, which reflection (wasm_valtype_kind) may report for
 * modules using them. Values of these kinds cannot cross the C API. */

enum silo_valkind_enum {
  SILO_V128 = 4,       /* a 128-bit vector */
  SILO_OTHERREF = 130, /* a reference type wasm.h cannot name (GC types, exnref, ...) */
};

/* ---------------------------------------------------------------------------------------- */
/* Engine settings */

typedef uint8_t silo_strategy_t;
enum silo_strategy_enum {
  SILO_STRATEGY_AUTO,   /* tiered where native code runs, the interpreter elsewhere (default) */
  SILO_STRATEGY_INTERP, /* every function in the interpreter */
  SILO_STRATEGY_JIT,    /* every function compiled to native code first */
  SILO_STRATEGY_TIERED, /* interpreter first, hot functions compiled */
};

/* Sets how code runs. False for an unknown strategy. With JIT or TIERED on a machine where
 * native code cannot run, wasm_engine_new_with_config returns NULL. */
bool silo_config_strategy(wasm_config_t*, silo_strategy_t);
/* Under SILO_STRATEGY_TIERED (and AUTO where it means tiered): how many calls plus loop
 * iterations a function runs in the interpreter before it is compiled; 0 compiles each function
 * on its first call. */
bool silo_config_tier_up_after(wasm_config_t*, uint32_t count);
/* Meters fuel (silo_store_set_fuel); code runs a few percent slower. Off by default. */
void silo_config_consume_fuel(wasm_config_t*, bool);
/* Lets guests be stopped by deadlines and interrupts. Off by default. */
void silo_config_interruptible(wasm_config_t*, bool);

/* ---------------------------------------------------------------------------------------- */
/* Store quotas. These cannot be changed from inside a host callback of the same store. */

/* Gives the store `fuel` units (about one per WebAssembly instruction); a guest that uses them
 * up traps ("fuel quota exceeded"). Fails unless the engine meters fuel. */
own silo_error_t* silo_store_set_fuel(wasm_store_t*, uint64_t fuel);
own silo_error_t* silo_store_get_fuel(wasm_store_t*, uint64_t* fuel);
/* Guests still running `ms` milliseconds from now trap; 0 removes the deadline. Fails unless the
 * engine is interruptible. */
own silo_error_t* silo_store_set_timeout_ms(wasm_store_t*, uint64_t ms);

/* A handle that stops the store's running guest from any thread: it traps ("interrupted") at
 * its next function entry or loop iteration (or, if none runs, the next one that starts). */
typedef struct silo_interrupt_handle_t silo_interrupt_handle_t;
/* NULL unless the engine is interruptible. */
own silo_interrupt_handle_t* silo_store_interrupt_handle_new(wasm_store_t*);
void silo_interrupt_handle_interrupt(const silo_interrupt_handle_t*);
void silo_interrupt_handle_delete(own silo_interrupt_handle_t*);

/* ---------------------------------------------------------------------------------------- */
/* Text and traps */

/* Translates WebAssembly text (`len` bytes of UTF-8) into a binary module written to `out`. */
own silo_error_t* silo_wat2wasm(const char* text, size_t len, own wasm_byte_vec_t* out);

/* Whether the trap is the guest asking to exit (WASI proc_exit); if so, stores its status. */
bool silo_trap_exit_status(const wasm_trap_t*, int* status);

/* ---------------------------------------------------------------------------------------- */
/* WASI and the linker */

/* What a WASI guest is granted: nothing by default. */
typedef struct silo_wasi_config_t silo_wasi_config_t;

own silo_wasi_config_t* silo_wasi_config_new(void);
void silo_wasi_config_delete(own silo_wasi_config_t*);
/* The guest's arguments (argv[0] is the program name). */
bool silo_wasi_config_set_argv(silo_wasi_config_t*, size_t argc, const char* const argv[]);
/* The guest's environment: names[i]=values[i]. */
bool silo_wasi_config_set_env(silo_wasi_config_t*, size_t n, const char* const names[],
                              const char* const values[]);
/* The host's standard input, output and error. */
void silo_wasi_config_inherit_stdio(silo_wasi_config_t*);
/* Grants the host directory `host_path` (read-write) as `guest_path`; it is opened by
 * silo_linker_define_wasi. */
bool silo_wasi_config_preopen_dir(silo_wasi_config_t*, const char* host_path,
                                  const char* guest_path);

/* Resolves a module's imports by name. A linker belongs to one store and must not outlive it. */
typedef struct silo_linker_t silo_linker_t;

own silo_linker_t* silo_linker_new(wasm_store_t*);
void silo_linker_delete(own silo_linker_t*);
/* Defines wasi_snapshot_preview1 with what `config` grants; consumes `config`. */
own silo_error_t* silo_linker_define_wasi(silo_linker_t*, own silo_wasi_config_t* config);
/* Defines `module`.`name` as `item`. */
own silo_error_t* silo_linker_define(silo_linker_t*, const wasm_name_t* module,
                                     const wasm_name_t* name, const wasm_extern_t* item);
/* Defines every export of `instance` under the module name `module`. */
own silo_error_t* silo_linker_define_instance(silo_linker_t*, const wasm_name_t* module,
                                              const wasm_instance_t* instance);
/* Instantiates `module`. Success: `*instance` set, NULL returned. A trap while starting:
 * `*instance` NULL, the trap in `*trap` (if not NULL), NULL returned. Other failures (a missing
 * import): `*instance` NULL and the error returned. */
own silo_error_t* silo_linker_instantiate(const silo_linker_t*, const wasm_module_t* module,
                                          own wasm_instance_t** instance, own wasm_trap_t** trap);

/* ---------------------------------------------------------------------------------------- */
/* Sandbox policies and quotas */

/* The quotas. Units: bytes (MEMORY, TOTAL_MEMORY, GC_HEAP, OUTPUT), milliseconds (TIMEOUT),
 * counts (the others). */
typedef uint8_t silo_quota_t;
enum silo_quota_enum {
  SILO_QUOTA_NONE,           /* no quota (what silo_trap_quota says of other traps) */
  SILO_QUOTA_MEMORY,         /* bytes each linear memory may grow to */
  SILO_QUOTA_TOTAL_MEMORY,   /* bytes of all memories, tables and the GC heap together */
  SILO_QUOTA_TABLE_ELEMENTS, /* elements each table may grow to */
  SILO_QUOTA_INSTANCES,      /* instances the store may create */
  SILO_QUOTA_FUEL,           /* fuel units (about one per WebAssembly instruction) */
  SILO_QUOTA_TIMEOUT,        /* wall-clock milliseconds from silo_linker_define_wasi_policy */
  SILO_QUOTA_CALL_DEPTH,     /* nested WebAssembly calls */
  SILO_QUOTA_GC_HEAP,        /* bytes of the garbage-collected heap */
  SILO_QUOTA_OPEN_FILES,     /* files the guest may hold open (stdio and pre-opens excluded) */
  SILO_QUOTA_OUTPUT,         /* bytes the guest may write to stdout and stderr together */
  SILO_QUOTA_THREADS,        /* threads the guest may run besides its first */
};

/* What a WASI guest is granted and how much it may use: the sandbox policy of `silo run`. A new
 * policy grants nothing (no directory, no environment, no arguments, stdio connected to
 * nothing, a virtual clock) and sets no quota. Every change is checked as a manifest is; a
 * refused change leaves the policy as it was. */
typedef struct silo_policy_t silo_policy_t;

own silo_policy_t* silo_policy_new(void);
void silo_policy_delete(own silo_policy_t*);
/* Reads a TOML manifest (the format of `silo run --policy FILE`; relative directories in it are
 * taken from the manifest's directory) into `*out`. */
own silo_error_t* silo_policy_load(const char* path, own silo_policy_t** out);
/* Reads a TOML manifest from `len` bytes of text into `*out` (relative directories are taken
 * from the current directory). */
own silo_error_t* silo_policy_parse(const char* text, size_t len, own silo_policy_t** out);
/* Grants the host directory `host_path` as `guest_path` (e.g. "/data" or "."). */
own silo_error_t* silo_policy_grant_dir(silo_policy_t*, const char* host_path,
                                        const char* guest_path, bool read_only);
/* Grants the environment variable `key`=`value`. */
own silo_error_t* silo_policy_set_env(silo_policy_t*, const char* key, const char* value);
/* Grants the host's value of `key`, if the host has it set when WASI is defined. */
own silo_error_t* silo_policy_inherit_env(silo_policy_t*, const char* key);
/* The guest's arguments (argv[0] is the program name), replacing the manifest's. */
own silo_error_t* silo_policy_set_argv(silo_policy_t*, size_t argc, const char* const argv[]);
/* Gives the guest the host's standard input, output and error. */
own silo_error_t* silo_policy_inherit_stdio(silo_policy_t*);
/* Sets one quota (units above). A limit no guest could run under (0 fuel, 0 ms, a memory quota
 * above the total, a GC heap past 4 GiB) is refused with the reason. */
own silo_error_t* silo_policy_set_quota(silo_policy_t*, silo_quota_t quota, uint64_t limit);
/* Refuses `binary` if the policy pins a module (the manifest's `sha256`) with another SHA-256. */
own silo_error_t* silo_policy_check_module(const silo_policy_t*, const wasm_byte_vec_t* binary);

/* Turns on in `config` what the policy's quotas need from the engine: fuel metering, deadline
 * checks, call counting, the GC heap's limit. Use it before wasm_engine_new_with_config. */
bool silo_config_apply_policy(wasm_config_t*, const silo_policy_t*);
/* Defines wasi_snapshot_preview1 with exactly what the policy grants and sets the store's quotas
 * from it (the timeout starts counting now). Fails, naming the directory, if a granted
 * directory cannot be opened, and if the engine lacks a check a quota needs
 * (silo_config_apply_policy). The policy stays the caller's. */
own silo_error_t* silo_linker_define_wasi_policy(silo_linker_t*, const silo_policy_t*);

/* The quota that stopped the guest with this trap: SILO_QUOTA_FUEL, _TIMEOUT, _CALL_DEPTH,
 * _MEMORY..., or SILO_QUOTA_NONE if the trap is not a quota's. */
silo_quota_t silo_trap_quota(const wasm_trap_t*);
/* The last of the store's quotas (memory, total memory, table elements, instances, fuel,
 * timeout, call depth) that refused the guest something, a memory.grow that returned -1
 * included: which one, its limit and what was asked for (each output may be NULL). False if
 * none has. */
bool silo_store_last_quota_hit(wasm_store_t*, silo_quota_t* quota, uint64_t* limit,
                               uint64_t* requested);

#ifdef __cplusplus
}
#endif

#endif /* SILO_H */
