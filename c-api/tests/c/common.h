/* Helpers shared by the C test programs: checks that exit on failure, text to modules. */

#ifndef SILO_TEST_COMMON_H
#define SILO_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "silo.h"
#include "wasm.h"

#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
      exit(1);                                                                       \
    }                                                                                \
  } while (0)

/* Exits with the error's message if there is one. */
static inline void check_error(silo_error_t* error, const char* what) {
  if (error == NULL) return;
  wasm_name_t message;
  silo_error_message(error, &message);
  fprintf(stderr, "%s: %.*s\n", what, (int)message.size, message.data);
  wasm_name_delete(&message);
  silo_error_delete(error);
  exit(1);
}

/* Compiles WebAssembly text in `store`. */
static inline wasm_module_t* compile(wasm_store_t* store, const char* text) {
  wasm_byte_vec_t binary;
  check_error(silo_wat2wasm(text, strlen(text), &binary), "wat2wasm");
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  CHECK(module != NULL);
  return module;
}

/* Prints "<what>: <message>" for a trap, then deletes it. */
static inline void print_trap(const char* what, wasm_trap_t* trap) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  CHECK(message.size > 0 && message.data[message.size - 1] == '\0');
  printf("%s: %s\n", what, message.data);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
}

/* Instantiates `module` with `imports`, exiting on failure. */
static inline wasm_instance_t* instantiate(wasm_store_t* store, const wasm_module_t* module,
                                           wasm_extern_t* const* imports, size_t n) {
  wasm_extern_vec_t vec = {n, (wasm_extern_t**)imports};
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &vec, &trap);
  if (instance == NULL) {
    if (trap != NULL) print_trap("instantiation failed", trap);
    exit(1);
  }
  return instance;
}

#endif
