import Foundation
import Testing

@testable import Terminal

@Suite("--ascii keeps the notebook's own text to ASCII")
struct ASCIITextTests {
    @Test("banners, step headers, marks and prose fold to ASCII; ASCII text is untouched")
    func fold() {
        #expect(ASCIIText.fold("── Step 2/14: One step by hand ──") == "-- Step 2/14: One step by hand --")
        #expect(ASCIIText.fold("✓ step 3 done — 0.9 → 0.3, ≥ 90% ← you are here…") == "ok step 3 done -- 0.9 -> 0.3, >= 90% <- you are here...")
        #expect(ASCIIText.fold("x = [1, 2]  # plain") == "x = [1, 2]  # plain")
        #expect(ASCIIText.fold("D(G(z)) ≈ ½ · σ").unicodeScalars.allSatisfy { $0.isASCII })
        #expect(ASCIIText.fold("🙂").unicodeScalars.allSatisfy { $0.isASCII })
    }
}

@Suite("Messages fit the window")
struct LineFitTests {
    @Test("a long message is wrapped at spaces with an indent; pictures, indented lines and short lines stay")
    func fit() {
        let notice = "your workspace is back (saved 2026-12-02 15:47): 10 variables — digits, fake, gan; nothing was re-run"
        let lines = LineFit.fit(notice, width: 40)
        #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  ") })
        #expect(lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") == notice)
        #expect(LineFit.fit("short", width: 40) == ["short"])
        let caret = "  " + String(repeating: "x", count: 60)
        #expect(LineFit.fit(caret, width: 40) == [caret])
        let colour = "\u{1B}[38;5;1m" + String(repeating: "▀", count: 60)
        #expect(LineFit.fit(colour, width: 40) == [colour])
    }
}
