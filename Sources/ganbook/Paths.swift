import Foundation

/// Where ganbook finds its lessons and data, and keeps its state.
struct Paths {
    /// The project folder (holding `lessons/` and `datasets/`), found from the executable's location
    /// (it lives under `.build/` inside the project), else the current directory.
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

    private static func findProject() -> String {
        let fm = FileManager.default
        var dir = (CommandLine.arguments[0] as NSString).resolvingSymlinksInPath
        if !dir.hasPrefix("/") { dir = (fm.currentDirectoryPath as NSString).appendingPathComponent(dir) }
        dir = (dir as NSString).deletingLastPathComponent
        while dir != "/" && !dir.isEmpty {
            if fm.fileExists(atPath: (dir as NSString).appendingPathComponent("datasets/fetch.py")) { return dir }
            dir = (dir as NSString).deletingLastPathComponent
        }
        return fm.currentDirectoryPath
    }
}
