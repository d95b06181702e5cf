import Foundation
import Notebook
import TextPlot

/// Draws live output on a terminal: a progress line redrawn in place and animation frames redrawn
/// over the previous one, each with a single write (no flicker).
public final class LiveTerminal {
    private var frameHeight = 0
    private var lineOpen = false

    public init() {}

    public func handle(_ event: LiveOutput, colorMode: ColorMode) {
        var text = ""
        switch event {
        case .progress(let line):
            text = "\r\u{1B}[K" + line
            lineOpen = true
        case .frame(let canvas):
            if lineOpen { text += "\n"; lineOpen = false }
            if frameHeight > 0 { text += "\u{1B}[\(frameHeight)A\u{1B}[J" }
            let lines = canvas.lines(colorMode)
            text += lines.joined(separator: "\n") + "\n"
            frameHeight = lines.count
        case .end:
            if lineOpen { text = "\n" }
            lineOpen = false
            frameHeight = 0
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
