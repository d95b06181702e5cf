import Testing

@testable import TextPlot

/// Each renderer's whole output, pinned as text (with and without colour). When a renderer changes
/// on purpose, print the new outputs (see `printSamples`), review them, and paste them here.
@Suite("Pinned renderings")
struct PinnedTests {
    static let expected: [String: String] = [
        "image unicode": """
         ▄▀▀▄
          ▄▀
         █▄▄▄
        """,
        "image ascii": """
         ++++
          ++
         @+++
        """,
        "image colour": """
        \u{1B}[0m\u{1B}[38;5;16m\u{1B}[48;5;16m▀\u{1B}[0m\u{1B}[38;5;16m\u{1B}[48;5;231m▀\u{1B}[0m\u{1B}[38;5;231m\u{1B}[48;5;16m▀▀\u{1B}[0m\u{1B}[38;5;16m\u{1B}[48;5;231m▀\u{1B}[0m\u{1B}[38;5;16m\u{1B}[48;5;16m▀\u{1B}[0m
        \u{1B}[0m\u{1B}[38;5;16m\u{1B}[48;5;16m▀▀\u{1B}[0m\u{1B}[38;5;16m\u{1B}[48;5;231m▀\u{1B}[0m\u{1B}[38;5;231m\u{1B}[48;5;16m▀\u{1B}[0m\u{1B}[38;5;16m\u{1B}[48;5;16m▀▀\u{1B}[0m
        \u{1B}[0m\u{1B}[38;5;16m\u{1B}[48;5;16m▀\u{1B}[0m\u{1B}[38;5;231m\u{1B}[48;5;231m▀\u{1B}[0m\u{1B}[38;5;16m\u{1B}[48;5;231m▀▀▀\u{1B}[0m\u{1B}[38;5;16m\u{1B}[48;5;16m▀\u{1B}[0m
        """,
        "image 2x": """
            ████
          ██    ██
              ██
            ██
          ██
          ████████
        """,
        "grid": """
         ▄▀▀▄   ▄▀▀▄
          ▄▀     ▄▀
         █▄▄▄   █▄▄▄
          2    D=0.91

         ▄▀▀▄
          ▄▀
         █▄▄▄
          7
        """,
        "panels": """
         real     fake
         ▄▀▀▄     ++++
          ▄▀       ++
         █▄▄▄     @+++
        """,
        "chart two series": """
              * D loss  + G loss
         1.70│*                             ++++
             │ *                      +++++++
             │ **              +++++++
         1.08│   **    ++++++++
             │   +++++++
             │+++      **********
        0.453│                  ****************
             └──────────────────────────────────
              0              step             49
        """,
        "chart braille": """
              ━ loss
         1.70│⢣
             │ ⠑⡄
         1.08│  ⠘⠤⣀⡀
             │     ⠈⠒⠢⢄⣀⣀
        0.453│           ⠉⠉⠉⠒⠒⠒⠒⠒⠤⠤⠤⠤⠤⠤⠤⠤⣀⣀⣀⣀⣀⣀⣀
             └──────────────────────────────────
              0                               49
        """,
        "chart log ascii": """
              * loss
         1.70|**
             | ***
        0.877|    *****
             |         ************
        0.453|                    **************
             +----------------------------------
              0                               49
        """,
        "sparkline": """
        █▆▅▄▃▃▂▂▂▁▁▁▁▁▁▁▁▁▁▁
        ___...---===++++**###@@@@
        """,
        "histogram": """
          56│                ▅█▇▁▅▂
            │            ▁▄▇▄██████▇ ▂
            │          ▄▂███████████▇█▆▄
            │      ▁ ▆██████████████████▅▇▂▁
            │    ▃▄█▇███████████████████████▂▄
           0│▁ ▆▅█████████████████████████████▆▆
            └───────────────────────────────────
             -1.00                         0.888
        """,
        "histogram ascii": """
          79|         ..#####.
            |     .#############..
           0|...#####################.
            +-------------------------
             -1.00               0.888
             (1 nan/inf not shown)
        """,
        "heatmap signed": """
        -█-▒ ·+▒
        +█+░-░+█
        -█ · ·+▓
        -1.00 █▓▒░ ░▒▓█ 1.00
        """,
        "heatmap ascii": """
        ..::==
        **%%@@
        0 .:-=+*#%@ 5.00
        """,
        "field": """
        face ↑
        │   ··░░▒▒▓o▓
        │   ···░░▒▒▒▓
        │    ···░░░▒▒
        │     ····░░░
        │ x     ·····
        │
        └────────────
         0       1.00
        """,
        "progress": """
        ████░░░░░░░░░░░░░░░░ 120/500  24% 12.0 steps/s ETA 0:32 loss_D=0.520 loss_G=1.20
        [########################] 500/500 100% 12.0 steps/s in 0:42
        """,
        "table": """
        layer         shape            mean
        ───────────────────────────────────
        conv1.weight  [64, 1, 4, 4]   0.001
        fc.bias       [1]            -0.020
        """,
    ]

    @Test("every renderer matches its pinned output", arguments: PinnedOutputs.all().map(\.0))
    func pinned(name: String) {
        let lines = PinnedOutputs.all().first { $0.0 == name }!.1
        #expect(lines.joined(separator: "\n") == PinnedTests.expected[name], "\(name)")
    }
}
