#if canImport(Glibc)
import Glibc
#endif

/// The allocator settings `paisa` arranges for itself, so that every way of running the server gets them.
///
/// glibc's malloc gives threads that allocate at the same time arenas of their own (up to eight per core) and keeps
/// what each arena once held. Under a spike the event loops, the task pool and PostgresNIO's threads each grow one,
/// and the resident memory follows the sum of every arena's peak rather than the live data. Two arenas are enough
/// for two event loops, and keep the spike's peak within the memory goal of docs/bench.
enum Allocator {
    /// The most arenas, unless `MALLOC_ARENA_MAX` or `GLIBC_TUNABLES` already says otherwise.
    static let arenasMax: Int32 = 2
    /// `M_ARENA_MAX` of glibc's `<malloc.h>`, which the C library's module for Swift does not include.
    private static let arenaMaxParameter: Int32 = -8

    /// Applies the settings; call it first, before the event loops and the task pool start their threads. Where
    /// glibc is not the C library, or refuses, the allocator keeps its defaults.
    static func configure() {
        #if canImport(Glibc)
        // An operator's own setting wins, by either of glibc's ways of saying it.
        if getenv("MALLOC_ARENA_MAX") != nil { return }
        if let tunables = getenv("GLIBC_TUNABLES"), String(cString: tunables).contains("malloc.arena_max") { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let program = dlopen(nil, RTLD_NOW), let symbol = dlsym(program, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(Self.arenaMaxParameter, Self.arenasMax)
        #endif
    }
}
