//! Whether a module was rejected for the reason a test names.
//!
//! `assert_invalid` and `assert_malformed` carry the reference interpreter's message ("type
//! mismatch", "unexpected end"...). Silo's messages are `wasmparser`'s (binary modules) and the
//! `wast` crate's (text), which word many of them differently, so a table maps each spec message
//! to the substrings that mean the same thing. A rejection whose message has none of them is a
//! rejection for the wrong reason; a spec message the table does not know is left unchecked (and
//! counted as such).

/// How a rejection compares with the reason the test names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCheck {
    /// The message says what the test expects.
    Matches,
    /// The message says something else: the module was rejected for another reason.
    Wrong,
    /// The table has no entry for the test's message.
    Unchecked,
}

/// A rejection compared with the reason its test names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// How they compare.
    pub check: ErrorCheck,
    /// The message the test names.
    pub expected: String,
    /// Silo's message (kind and text).
    pub actual: String,
}

/// Compares `actual`, the message of a rejection, with `expected`, the message the test names.
/// The entry for `expected` is the longest table key it starts with, so that one entry serves
/// "unknown global" and "unknown global 1" alike.
pub fn check(expected: &str, actual: &str) -> ErrorCheck {
    let entry = TABLE
        .iter()
        .filter(|(spec, _)| expected.starts_with(spec))
        .max_by_key(|(spec, _)| spec.len());
    match entry {
        None => ErrorCheck::Unchecked,
        Some((_, meanings)) if meanings.iter().any(|m| actual.contains(m)) => ErrorCheck::Matches,
        Some(_) => ErrorCheck::Wrong,
    }
}

/// Silo's messages for a module that ends too early.
const END_OF_INPUT: &str = "unexpected end-of-file";
/// `wasmparser`'s message for a body whose blocks are not all closed by the end of its bytes.
const OPEN_BLOCKS: &str = "control frames remain at end of function body or expression";
/// Any error of the text format. The reference interpreter's text messages name its own lexer
/// and parser's categories ("unexpected token", "unknown operator", "malformed lane index"); the
/// `wast` crate words the same rejections its own way ("expected a u8", "extra tokens remaining
/// after parse"), so for these only the kind of error, text, is checked.
const TEXT: &[&str] = &["invalid text module: "];

/// A legacy `catch`, `catch_all` or `delegate` outside a `try`: the reference's text parser knows
/// them only as parts of a folded `try` and stops at the token; `wast` parses them as plain
/// instructions and the validator refuses the module they make, for the same reason.
const TEXT_OR_LEGACY_PART: &[&str] = &[
    "invalid text module: ",
    "found outside `LegacyTry` block",
    "legacy_exceptions feature required for catch",
];

/// Spec messages (or the start of them), and substrings of Silo's messages that mean the same.
/// Most of `wasmparser`'s messages contain the spec's words; the others are spelled out.
const TABLE: &[(&str, &[&str])] = &[
    // Decoding a binary module.
    ("magic header not detected", &["magic header not detected"]),
    ("unknown binary version", &["unknown binary version"]),
    ("unexpected end", &[END_OF_INPUT, OPEN_BLOCKS]),
    ("unexpected end of section or function", &[END_OF_INPUT, OPEN_BLOCKS]),
    // The test of concatenated modules: `wasmparser` recognizes the second header.
    ("length out of bounds", &[END_OF_INPUT, "expected section, got wasm magic number"]),
    ("section size mismatch", &["section size mismatch"]),
    ("END opcode expected", &[OPEN_BLOCKS]),
    ("integer too large", &["integer too large"]),
    ("integer representation too long", &["integer representation too long"]),
    ("malformed section id", &["malformed section id"]),
    ("invalid section id", &["malformed section id"]),
    ("unexpected content after last section", &["section out of order"]),
    ("junk after last section", &["section out of order"]),
    ("multiple start sections", &["section out of order"]),
    (
        "function and code section have inconsistent lengths",
        &[
            "function and code section have inconsistent lengths",
            "function section is absent but code section has non-zero count",
            "function section has non-zero count but code section is absent",
        ],
    ),
    (
        "data count and data section have inconsistent lengths",
        &[
            "data count and data section have inconsistent lengths",
            "data count is non-zero but data section is absent",
        ],
    ),
    ("data count section required", &["data count section required"]),
    ("malformed UTF-8 encoding", &["malformed UTF-8 encoding", "invalid utf-8 sequence"]),
    ("invalid UTF-8 encoding", &["malformed UTF-8 encoding", "invalid utf-8 sequence"]),
    ("malformed UTF-8", &["malformed UTF-8 encoding"]),
    ("illegal opcode", &["illegal opcode"]),
    ("zero byte expected", &["zero byte expected"]),
    ("zero flag expected", &["zero byte expected"]),
    ("malformed reference type", &["malformed reference type"]),
    ("malformed definition type", &["invalid leading byte", "for type"]),
    ("malformed import kind", &["for external kind"]),
    ("malformed limits flags", &["limits flags"]),
    ("malformed memop flags", &["malformed memop"]),
    ("malformed mutability", &["malformed global flags", "malformed mutability"]),
    ("invalid mutability", &["malformed global flags", "malformed mutability"]),
    ("too many locals", &["too many locals"]),
    ("invalid value type", &["invalid value type", "for type"]),
    ("malformed elements segment kind", &["elements segment kind", "invalid leading byte"]),
    ("malformed export kind", &["for external kind", "Exact type is not allowed in the exports"]),
    ("malformed storage type", &["malformed storage type", "unexpected exact type"]),
    // Validation.
    ("type mismatch", &["type mismatch"]),
    ("invalid result arity", &["invalid result arity"]),
    ("alignment must not be larger than natural", &["alignment must not be larger than natural"]),
    ("alignment must be a power of two", &["alignment must be a power of two"]),
    ("constant expression required", &["constant expression required"]),
    ("duplicate export name", &["duplicate export name"]),
    ("global is immutable", &["global is immutable"]),
    ("immutable global", &["global is immutable"]),
    ("immutable array", &["array is immutable"]),
    ("immutable field", &["field is immutable"]),
    ("array type is not numeric or vector", &["array type is not numeric or vector"]),
    ("array types do not match", &["array types do not match"]),
    ("invalid lane index", &["SIMD index out of bounds"]),
    ("memory size", &["memory size must be at most"]),
    ("table size", &["table size must be at most"]),
    (
        "size minimum must not be greater than maximum",
        &["minimum must not be greater than maximum"],
    ),
    ("multiple memories", &["multiple memories"]),
    ("multiple tables", &["multiple tables"]),
    ("shared memory must have maximum", &["shared memory must have maximum"]),
    ("invalid custom page size", &["invalid custom page size"]),
    // Without memory64 an offset that does not fit in 32 bits cannot even be decoded.
    ("offset out of range", &["offset out of range", "integer too large"]),
    ("start function", &["invalid start function type"]),
    ("undeclared function reference", &["undeclared function reference"]),
    ("uninitialized local", &["uninitialized local"]),
    ("non-empty tag result type", &["non-empty tag result type"]),
    // Sub-typing of types with descriptors: `wasmparser` names the supertype's side.
    ("sub type", &["sub type", "supertype of"]),
    ("unknown data segment", &["unknown data segment"]),
    ("unknown elem segment", &["unknown elem segment"]),
    ("unknown function", &["unknown function"]),
    ("unknown global", &["unknown global"]),
    ("unknown label", &["unknown label"]),
    ("unknown local", &["unknown local"]),
    ("unknown memory", &["unknown memory"]),
    ("unknown table", &["unknown table"]),
    ("unknown tag", &["unknown tag"]),
    ("unknown type", &["unknown type"]),
    // Custom descriptors.
    ("described type must be a struct", &["describes clause on non-struct type"]),
    ("descriptor type must be a struct", &["descriptor clause on non-struct type"]),
    ("described type is not described by descriptor", &["describes with no matching descriptor"]),
    ("type is not described by its descriptor", &["descriptor with no matching describes"]),
    ("forward use of described type", &["forward describes reference"]),
    (
        "described type is outside rec group",
        &["forward describes reference", "describes with no matching descriptor"],
    ),
    (
        "descriptor type is outside rec group",
        &["descriptor with no matching describes", "unknown type"],
    ),
    ("described type", &["supertype of descriptor does not match"]),
    ("descriptor type", &["described by supertype of descriptor"]),
    ("type 0 does not have a descriptor", &["must have descriptor"]),
    ("type 1 does not have a descriptor", &["must have descriptor"]),
    ("type any does not have a descriptor", &["must have descriptor", "unexpected heap type"]),
    ("type none does not have a descriptor", &["must have descriptor", "unexpected heap type"]),
    ("type with descriptor requires descriptor allocation", &["requires descriptor allocation"]),
    ("type without descriptor requires non-descriptor allocation", &["is not described"]),
    ("type without descriptor", &["expected type with descriptor"]),
    // The text format.
    ("unexpected token", TEXT_OR_LEGACY_PART),
    ("unknown operator", TEXT),
    ("illegal character", &["unexpected character"]),
    ("unclosed string", &[END_OF_INPUT]),
    ("unclosed annotation", &["unclosed annotation"]),
    // An id given as a string holding a raw control character: the reference lexer finds no id,
    // `wast` rejects the string itself.
    ("empty annotation id", &["empty annotation id", "invalid character in string"]),
    ("empty identifier", &["empty identifier", "invalid character in string"]),
    ("alignment", &["alignment"]),
    ("constant out of range", &["constant out of range"]),
    ("i32 constant", &["constant out of range", "integer too large"]),
    ("i64 constant", &["constant out of range"]),
    ("i8 constant out of range", TEXT),
    ("malformed lane index", TEXT),
    ("invalid lane length", TEXT),
    ("wrong number of lane", TEXT),
    ("duplicate ", &["duplicate "]),
    ("import after ", &["import after "]),
    ("inline function type", &["inline function type"]),
    ("mismatching label", &["mismatching labels"]),
    ("result before parameter", &["result before parameter"]),
    // Text annotations and custom sections.
    ("@custom annotation: missing section name", &["expected a string"]),
    ("@custom annotation: unexpected token", &["expected a string"]),
    ("@custom annotation: malformed UTF-8 encoding", &["malformed UTF-8 encoding"]),
    ("@custom annotation: malformed section kind", &["expected a valid section name"]),
    ("@custom annotation: malformed placement", &["expected `before` or `after`"]),
    ("misplaced @custom annotation", TEXT),
    ("misplaced @name annotation", &["expected valid module field", "expected `)`"]),
    ("@name annotation: multiple module", &["expected valid module field"]),
    ("@metadata.code.branch_hint annotation: duplicate annotation", &["duplicate annotation"]),
    ("@metadata.code.branch_hint annotation: not in a function", &["expected valid module field"]),
    ("@metadata.code.branch_hint annotation: invalid target", &["does not branch"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_match_by_meaning() {
        let eof = "malformed module: unexpected end-of-file";
        assert_eq!(check("unexpected end", eof), ErrorCheck::Matches);
        assert_eq!(check("unexpected end", "invalid module: type mismatch"), ErrorCheck::Wrong);
        assert_eq!(
            check("unknown global 1", "invalid module: unknown global 1"),
            ErrorCheck::Matches
        );
        assert_eq!(check("a message nobody wrote", eof), ErrorCheck::Unchecked);
    }

    #[test]
    fn the_longest_key_decides() {
        // "unexpected end of section or function" also starts with "unexpected end".
        let open = format!("malformed module: {OPEN_BLOCKS}");
        assert_eq!(check("unexpected end of section or function", &open), ErrorCheck::Matches);
        assert_eq!(check("i32 constant out of range", "integer too large"), ErrorCheck::Matches);
    }
}
