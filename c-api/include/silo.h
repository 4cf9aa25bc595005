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

#ifdef __cplusplus
}
#endif

#endif /* SILO_H */
