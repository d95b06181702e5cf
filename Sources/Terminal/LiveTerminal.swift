import Foundation
import Notebook
import TextPlot

/// Draws live output on a terminal: a progress line redrawn in place and animation frames redrawn
/// over the previous one, each with a single write (no flicker).
public final class LiveTerminal {
    private var frameHeight = 0
    private var lineOpen = false
    /// Pictures as images, or nil for text: the REPL's choice as it is now (a closure, so a resized window
    /// or an `:images` during the session reaches the frames too).
    public var pictures: () -> InlinePictures? = { nil }
    /// The kitty image ids of the current animation's pictures start here: each frame reuses them, so it
    /// replaces the last frame's pictures; the next animation takes new ones and leaves this one on screen.
    private var animationID = 1_000_000

    public init() {}

    public func handle(_ event: LiveOutput, colorMode: ColorMode) {
        FileHandle.standardOutput.write(Data(render(event, colorMode: colorMode).utf8))
    }

    /// What `handle` writes for `event`, in one string.
    public func render(_ event: LiveOutput, colorMode: ColorMode) -> String {
        var text = ""
        switch event {
        case .progress(let line):
            text = "\r\u{1B}[K" + line
            lineOpen = true
        case .frame(let canvas):
            if lineOpen { text += "\n"; lineOpen = false }
            if frameHeight > 0 { text += "\u{1B}[\(frameHeight)A\u{1B}[J" }
            let lines = pictures()?.lines(canvas, color: colorMode, id: animationID) ?? canvas.lines(colorMode)
            text += lines.joined(separator: "\n") + "\n"
            frameHeight = canvas.height  // the rows on screen (a drawing line of pictures takes none)
        case .end:
            if frameHeight > 0 { animationID += 1000 }
            if lineOpen { text = "\n" }
            lineOpen = false
            frameHeight = 0
        }
        return text
    }
}
