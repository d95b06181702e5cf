import Foundation

/// Where ganbook finds its lessons and data, and keeps its state.
struct Paths {
    /// The project folder (holding `lessons/` and `datasets/`), found from the executable's location:
    /// a checkout, or the `share/ganbook` folder `make install` writes.
    let project: String
    let data: String

    init(dataDirOverride: String?) {
        project = Paths.findProject()
        if let dataDirOverride {
            data = dataDirOverride
        } else if let env = ProcessInfo.processInfo.environment["GANBOOK_DATA_DIR"], !env.isEmpty {
            data = env
        } else {
            data = (project as NSString).appendingPathComponent("datasets/data")
        }
    }

    var lessons: String { (project as NSString).appendingPathComponent("lessons") }
    var fetchScript: String { (project as NSString).appendingPathComponent("datasets/fetch.py") }

    /// `$XDG_STATE_HOME/ganbook` (default `~/.local/state/ganbook`): history, progress and the workspace.
    var state: String {
        let env = ProcessInfo.processInfo.environment
        let base =
            env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/state")
        return (base as NSString).appendingPathComponent("ganbook")
    }

    var progressFile: String { (state as NSString).appendingPathComponent("progress.json") }
    /// The learner's variables and cells (`Workspace`).
    var workspaceFolder: String { (state as NSString).appendingPathComponent("workspace") }

    /// The folder holding `lessons/` and `datasets/`: walking up from the executable, either a checkout
    /// (`datasets/fetch.py` beside `lessons/`, the binary under `.build/`) or an installed copy
    /// (`PREFIX/bin/ganbook` with `PREFIX/share/ganbook/`, as `make install` lays it out); else the
    /// current directory.
    private static func findProject() -> String {
        let fm = FileManager.default
        var dir = executablePath()
        dir = (dir as NSString).deletingLastPathComponent
        while dir != "/" && !dir.isEmpty {
            for candidate in [dir, (dir as NSString).appendingPathComponent("share/ganbook")]
            where fm.fileExists(atPath: (candidate as NSString).appendingPathComponent("datasets/fetch.py")) {
                return candidate
            }
            dir = (dir as NSString).deletingLastPathComponent
        }
        return fm.currentDirectoryPath
    }

    /// The running binary's real path. `argv[0]` is only a name when the shell found `ganbook` on PATH,
    /// so Linux's `/proc/self/exe` comes first.
    private static func executablePath() -> String {
        let fm = FileManager.default
        if let path = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe"), path.hasPrefix("/") { return path }
        var path = (CommandLine.arguments[0] as NSString).resolvingSymlinksInPath
        if !path.hasPrefix("/") { path = (fm.currentDirectoryPath as NSString).appendingPathComponent(path) }
        return path
    }
}
