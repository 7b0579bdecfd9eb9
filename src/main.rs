// jemalloc: see Cargo.toml for why; not on MSVC, which it does not build for.
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

// jemalloc's options, read before `main` (a C string, hence the name it is looked up by):
// one arena for all threads. With several, what the writer frees of a worker's pieces went
// back to the worker's arena and stayed apart from its own: a 100 MB ingest on two threads
// peaked at 64 MB, 8 MB above a 10 MB one; with one, 56 MB, as fast.
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[unsafe(export_name = "_rjem_malloc_conf")]
static JEMALLOC_OPTIONS: &u8 = &b"narenas:1\0"[0];

fn main() {
    std::process::exit(whosaid::run(std::env::args_os()));
}
