use std::time::Duration;

use super::*;

fn cache() -> (tempfile::TempDir, Cache) {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(dir.path().join("silo")).unwrap();
    (dir, cache)
}

#[test]
fn a_stored_module_reads_back_and_a_corrupted_one_is_dropped_with_a_warning() {
    let (_dir, cache) = cache();
    let bytes = b"\0asm\x01\0\0\0".to_vec();
    let digest = ModuleDigest::of(&bytes);
    assert!(cache.module(digest).is_none());
    cache.store_module(digest, &bytes).unwrap();
    assert_eq!(cache.module(digest).as_deref(), Some(&bytes[..]));
    assert!(cache.take_warnings().is_empty());

    // Flip a byte behind the cache's back: the copy is not trusted, and is gone.
    let path = cache.module_path(digest);
    fs::write(&path, b"\0asm\x01\0\0\x01").unwrap();
    assert!(cache.module(digest).is_none());
    assert!(!path.exists());
    let warnings = cache.take_warnings();
    assert!(warnings[0].contains("no longer match their digest"), "{warnings:?}");
}

#[test]
fn url_entries_round_trip_and_damaged_or_swapped_ones_are_ignored() {
    let (_dir, cache) = cache();
    let digest = ModuleDigest::of(b"m");
    let v = Validators { etag: Some("\"abc\"".into()), last_modified: None };
    let stored = cache.store_url("http://a.test/m.wasm", digest, &v).unwrap();
    assert_eq!(cache.url("http://a.test/m.wasm"), Some(stored.clone()));

    // Another URL's entry copied over this one's file.
    cache.store_url("http://b.test/other.wasm", digest, &v).unwrap();
    fs::copy(cache.url_path("http://b.test/other.wasm"), cache.url_path("http://a.test/m.wasm"))
        .unwrap();
    assert_eq!(cache.url("http://a.test/m.wasm"), None);

    // A truncated entry.
    let text = toml::to_string(&stored).unwrap();
    fs::write(cache.url_path("http://a.test/m.wasm"), &text[..text.len() / 2]).unwrap();
    assert_eq!(cache.url("http://a.test/m.wasm"), None);
    let warnings = cache.take_warnings();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[1].contains("damaged"), "{warnings:?}");
}

#[test]
fn the_least_recently_used_modules_go_first_past_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(dir.path()).unwrap().with_max_bytes(2500);
    let modules: Vec<Vec<u8>> = (0..3u8).map(|i| vec![i; 1000]).collect();
    let digests: Vec<ModuleDigest> = modules.iter().map(|m| ModuleDigest::of(m)).collect();
    let old = SystemTime::now() - Duration::from_secs(3600);
    for (i, (m, d)) in modules.iter().zip(&digests).take(2).enumerate() {
        cache.store_module(*d, m).unwrap();
        cache.store_url(&format!("http://x.test/{i}"), *d, &Validators::default()).unwrap();
        // The first is older than the second.
        let when = old + Duration::from_secs(i as u64 * 60);
        fs::File::options()
            .append(true)
            .open(cache.module_path(*d))
            .unwrap()
            .set_modified(when)
            .unwrap();
    }
    // Using the first makes the second the least recently used.
    assert!(cache.module(digests[0]).is_some());
    cache.store_module(digests[2], &modules[2]).unwrap();
    assert!(cache.module(digests[1]).is_none());
    assert!(cache.module(digests[0]).is_some() && cache.module(digests[2]).is_some());
    // Its URL entry went with it.
    assert_eq!(cache.url("http://x.test/1"), None);
    assert!(cache.url("http://x.test/0").is_some());
}

#[test]
fn list_and_clean_by_age() {
    let (_dir, cache) = cache();
    let (a, b) = (b"module a".to_vec(), b"module b".to_vec());
    let (da, db) = (ModuleDigest::of(&a), ModuleDigest::of(&b));
    cache.store_module(da, &a).unwrap();
    cache.store_module(db, &b).unwrap();
    cache.store_url("http://x.test/a", da, &Validators::default()).unwrap();
    let month_ago = SystemTime::now() - Duration::from_secs(31 * 86400);
    fs::File::options()
        .append(true)
        .open(cache.module_path(db))
        .unwrap()
        .set_modified(month_ago)
        .unwrap();

    let listed = cache.list().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].sha256, da.to_hex());
    assert_eq!(listed[0].urls, ["http://x.test/a"]);
    assert!(listed[1].urls.is_empty());

    let cleaned = cache.clean(Some(Duration::from_secs(30 * 86400))).unwrap();
    assert_eq!(cleaned, Cleaned { modules: 1, code: 0, bytes: b.len() as u64 });
    assert!(cache.module(da).is_some());
    let cleaned = cache.clean(None).unwrap();
    assert_eq!(cleaned.modules, 1);
    assert!(cache.list().unwrap().is_empty());
    assert_eq!(cache.url("http://x.test/a"), None);
}

#[test]
fn the_cache_directory_is_its_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, cache) = cache();
    for d in [cache.dir().to_path_buf(), cache.dir().join("modules")] {
        assert_eq!(fs::metadata(&d).unwrap().permissions().mode() & 0o777, 0o700);
    }
    let digest = ModuleDigest::of(b"x");
    cache.store_module(digest, b"x").unwrap();
    let mode = fs::metadata(cache.module_path(digest)).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn compiled_code_is_stored_by_key_dropped_with_a_warning_and_cleaned() {
    let (_dir, cache) = cache();
    assert!(cache.code("key").is_none());
    cache.store_code("key", b"native").unwrap();
    assert_eq!(cache.code("key").as_deref(), Some(&b"native"[..]));
    assert!(cache.code("other key").is_none());
    cache.drop_code("key", "damaged");
    assert!(cache.code("key").is_none());
    assert!(cache.take_warnings()[0].contains("ignored the cached native code"));
    cache.store_code("key", b"native").unwrap();
    let cleaned = cache.clean(None).unwrap();
    assert_eq!(cleaned, Cleaned { modules: 0, code: 1, bytes: 6 });
}

#[test]
fn a_mapped_code_entry_keeps_its_bytes_when_replaced_or_removed() {
    let (_dir, cache) = cache();
    cache.store_code("key", b"first version").unwrap();
    let mapped = cache.code("key").unwrap();
    // Writers rename a new file over the old one, and cleaning unlinks it: the mapped
    // inode stays whole either way.
    cache.store_code("key", b"second").unwrap();
    assert_eq!(&*mapped, b"first version");
    cache.drop_code("key", "replaced");
    assert_eq!(&*mapped, b"first version");
    // An empty entry is empty bytes (which the loader refuses), not a failed mapping.
    cache.store_code("empty", b"").unwrap();
    assert_eq!(cache.code("empty").as_deref(), Some(&b""[..]));
}

#[test]
fn a_file_that_cannot_be_mapped_is_read() {
    // sysfs attributes claim a page of length but refuse to be mapped.
    let path = Path::new("/sys/kernel/mm/transparent_hugepage/enabled");
    let Ok(expected) = fs::read(path) else { return };
    assert_eq!(&*MappedFile::open(path).unwrap(), &expected[..]);
}
