import Foundation
import Notebook
import Testing
import TextPlot

@testable import Terminal

@Suite("Pictures as images at the REPL")
struct InlinePicturesTests {
    let kittyEnvironment = ["TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"]

    @Test("auto: text on a pipe, TERM=dumb, --ascii / NO_COLOR, inside tmux; kitty, iterm and sixel when the terminal says so")
    func detection() {
        var asked = 0
        let ask = { () -> String? in asked += 1; return "\u{1B}[?65;1;4;6;22c" }
        #expect(ImageSupport.choose(.auto, environment: kittyEnvironment, isTerminal: false, plain: false, ask: ask).proto == nil)
        #expect(ImageSupport.choose(.auto, environment: ["TERM": "dumb"], isTerminal: true, plain: false, ask: ask).proto == nil)
        #expect(ImageSupport.choose(.auto, environment: kittyEnvironment, isTerminal: true, plain: true, ask: ask).proto == nil)
        #expect(ImageSupport.choose(.kitty, environment: kittyEnvironment, isTerminal: true, plain: true, ask: ask).proto == nil)
        let tmux = ImageSupport.choose(.auto, environment: ["TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0"], isTerminal: true, plain: false, ask: ask)
        #expect(tmux.proto == nil && tmux.reason.contains("tmux"))
        #expect(asked == 0)  // none of these may write a query to the terminal
        #expect(ImageSupport.choose(.auto, environment: kittyEnvironment, isTerminal: true, plain: false, ask: ask).proto == .kitty)
        #expect(ImageSupport.choose(.auto, environment: ["TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"], isTerminal: true, plain: false, ask: ask).proto == .iterm)
        #expect(asked == 0)
        #expect(ImageSupport.choose(.auto, environment: ["TERM": "xterm-256color"], isTerminal: true, plain: false, ask: ask).proto == .sixel)
        #expect(asked == 1)
        #expect(ImageSupport.choose(.auto, environment: ["TERM": "xterm-256color"], isTerminal: true, plain: false, ask: { "\u{1B}[?62;22c" }).proto == nil)
        #expect(ImageSupport.choose(.auto, environment: ["TERM": "xterm-256color"], isTerminal: true, plain: false, ask: { nil }).proto == nil)
        #expect(ImageSupport.choose(.sixel, environment: [:], isTerminal: false, plain: false).proto == .sixel)
        #expect(ImageSupport.choose(.text, environment: kittyEnvironment, isTerminal: true, plain: false, ask: ask).proto == nil)
        #expect(ImageSupport.sixelInAttributes("\u{1B}[?64;4c") && !ImageSupport.sixelInAttributes("\u{1B}[?4;1c") && !ImageSupport.sixelInAttributes("garbage"))
    }

    @Test("a picture's cells are blank in the text; the cursor goes up to each picture and back")
    func drawing() {
        let grid = GridRenderer.canvas([Samples.digit, Samples.digit, Samples.digit], captions: ["7", "2", "1"], columns: 2, style: Style.color256)
        let kitty = InlinePictures(proto: .kitty, windowRows: 50).lines(grid, color: .ansi256)
        let text = grid.lines(.ansi256)
        #expect(grid.height == 15 && kitty.count == text.count + 1)
        // The captions stay text; the pictures' half-blocks are gone.
        #expect(kitty[6].contains("7") && kitty[6].contains("2") && !kitty[0].contains("▀"))
        // One more line draws them, from the row below the grid: the third picture is at row 8 of 15, so up
        // 7 rows, back to the left edge, draw, down 7; the line ends one row up, so its newline adds no row.
        let draw = kitty[kitty.count - 1]
        #expect(draw.components(separatedBy: "\u{1B}_G").count - 1 == 3)
        #expect(draw.contains("\u{1B}[7A\r\u{1B}_G") && draw.hasSuffix("\u{1B}\\\u{1B}[7B\r\u{1B}[1A"))
        // The second at column 13 of the first row: up 15, right 13.
        #expect(draw.contains("\u{1B}[15A\r\u{1B}[13C\u{1B}_G"))
        // Too tall or too wide for the window, or no pictures at all: the text, byte for byte.
        #expect(InlinePictures(proto: .kitty, windowRows: 10).lines(grid, color: .ansi256) == text)
        #expect(InlinePictures(proto: .kitty, windowRows: 50, windowColumns: 20).lines(grid, color: .ansi256) == text)
        // A picture of no pixels (an empty heatmap) is not sent.
        let empty = Heatmap.canvas(rows: 0, cols: 0, values: [], style: Style.color256)
        #expect(InlinePictures(proto: .kitty, windowRows: 50).lines(empty, color: .ansi256) == empty.lines(.ansi256))
        let chart = Canvas(text: ["no pictures here"])
        #expect(InlinePictures(proto: .sixel).lines(chart, color: .none) == chart.lines(.none))
    }

    @Test("the REPL: text by default, images when chosen, :images switches, :help says which")
    func repl() {
        let h = Harness()
        let textLines = h.repl.runCell("show(zeros(4, 4) + 1)")
        #expect(!textLines.joined().contains("\u{1B}_G"))
        h.repl.pictures = InlinePictures(proto: .kitty, windowRows: 50)
        let kittyLines = h.repl.runCell("show(zeros(4, 4) + 1)")
        #expect(kittyLines.joined().contains("\u{1B}_Ga=T,f=100"))
        #expect(kittyLines.count == textLines.count + 1)
        // No terminal in a test: :images can only go back to text, and says so.
        #expect(h.repl.handle(":images sixel") == ["pictures: text (not a terminal)"])
        #expect(h.repl.pictures == nil)
        #expect(h.repl.runCell("show(zeros(4, 4) + 1)") == textLines)
        #expect(h.repl.handle(":images nonsense")[0].contains("use auto, kitty, iterm, sixel or text"))
        #expect(h.repl.handle(":help").last == "pictures: text (not a terminal)")
        var chosen: [ImageMode] = []
        h.repl.choosePictures = { mode in chosen.append(mode); return (InlinePictures(proto: .iterm), "iterm (chosen)") }
        #expect(h.repl.handle(":images ITERM") == ["pictures: iterm (chosen)"] && chosen == [.iterm] && h.repl.pictures?.proto == .iterm)
    }
}

@Suite("Animations as images")
struct LivePicturesTests {
    @Test("each frame replaces the last: text frames go back up; kitty frames reuse their image ids until the animation ends")
    func frames() {
        let live = LiveTerminal()
        let frame = ImageRenderer.canvas(Samples.digit, style: Style.color256)
        let text1 = live.render(.frame(frame), colorMode: .ansi256)
        let text2 = live.render(.frame(frame), colorMode: .ansi256)
        #expect(!text1.contains("\u{1B}_G") && !text2.contains("\u{1B}_G"))
        #expect(text2.hasPrefix("\u{1B}[6A\u{1B}[J"))  // up over the 6 rows of the last frame, clear, draw
        _ = live.render(.end, colorMode: .ansi256)
        live.pictures = { InlinePictures(proto: .kitty, windowRows: 50) }
        let first = live.render(.frame(frame), colorMode: .ansi256)
        let second = live.render(.frame(frame), colorMode: .ansi256)
        func ids(_ s: String) -> [String] { s.components(separatedBy: ",i=").dropFirst().map { String($0.prefix { $0 != "," }) } }
        #expect(ids(first).count == 1 && ids(first) == ids(second))
        #expect(second.hasPrefix("\u{1B}[6A\u{1B}[J"))
        _ = live.render(.end, colorMode: .ansi256)
        let next = live.render(.frame(frame), colorMode: .ansi256)
        #expect(ids(next).count == 1 && ids(next) != ids(first))  // a new animation leaves the last one on screen
    }
}

/// A small digit-like picture (12×12), as the TextPlot tests use.
enum Samples {
    static let digit: GrayImage = {
        var pixels: [Double] = []
        for i in 0..<144 {
            let level: Int = ((i % 12) * (i / 12)) % 7
            pixels.append(Double(level) / 6)
        }
        return GrayImage(width: 12, height: 12, pixels: pixels)
    }()
}
