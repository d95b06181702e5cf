import Testing

@testable import TextPlot

/// Sample inputs shared by the pinned tests.
enum Samples {
    /// A 6×6 "2".
    static let digit = GrayImage(
        width: 6, height: 6,
        pixels: [
            0, 0, 1, 1, 0, 0,
            0, 1, 0, 0, 1, 0,
            0, 0, 0, 1, 0, 0,
            0, 0, 1, 0, 0, 0,
            0, 1, 0, 0, 0, 0,
            0, 1, 1, 1, 1, 0,
        ])
    /// A falling and a rising loss curve, with a NaN gap in the second.
    static let dLoss = (0..<50).map { 0.3 + 1.4 / (1 + Double($0) / 6) }
    static let gLoss = (0..<50).map { $0 == 20 ? Double.nan : 0.7 + 0.02 * Double($0) }
    /// 1,000 values in [-1, 1), triangular-ish.
    static let values: [Double] = (0..<1000).map { (i: Int) -> Double in
        let a = Double((i * 7919) % 1000) / 1000.0
        let b = Double((i * 104729) % 1000) / 1000.0
        return a + b - 1
    }
}

/// Every sample has a pinned output. With GANBOOK_PRINT_SAMPLES=1 it also prints them all as text
/// (`swift test --filter printSamples`), for reviewing and re-pinning after an intended change.
@Test func printSamples() {
    let names = PinnedOutputs.all().map(\.0)
    #expect(Set(names) == Set(PinnedTests.expected.keys))
    guard let flag = getenvString("GANBOOK_PRINT_SAMPLES"), flag == "1" else { return }
    for (name, lines) in PinnedOutputs.all() {
        print("// \(name)\n\"\"\"\n" + lines.joined(separator: "\n") + "\n\"\"\"")
    }
}

func getenvString(_ name: String) -> String? {
    guard let p = getenv(name) else { return nil }
    return String(cString: p)
}

#if canImport(Glibc)
    import Glibc
#endif
