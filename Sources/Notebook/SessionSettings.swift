/// What whoever runs a session (the terminal, `ganbook run`, a test) tells it, instead of
/// process-wide switches: two sessions in one process may run with different settings.
public struct SessionSettings: Sendable {
    /// Quick mode (`ganbook run --quick`, CI): lessons cut long training through `quick(a, b)`, and a
    /// classifier trained only to judge is trained briefly and never saved.
    public var quickMode = false
    /// Learning switched off (`ganbook run --frozen`): every optimizer, GAN and coin game this session
    /// makes leaves its weights as they are, so each check that claims learning must fail.
    public var learningFrozen = false
    /// Where lesson 3 saves its classifier and `gan.score()` reads it (lesson 5 names this file as one
    /// it reads from an earlier lesson).
    public var classifierFile = "classifier.safetensors"
    /// The folder that relative file names in cells mean (`save_model(net, "classifier.safetensors")`):
    /// nil for the folder the notebook runs in; the tests give a temporary one, so that they never write
    /// into the checkout.
    public var folder: String?

    public init(quickMode: Bool = false, learningFrozen: Bool = false, classifierFile: String = "classifier.safetensors") {
        self.quickMode = quickMode
        self.learningFrozen = learningFrozen
        self.classifierFile = classifierFile
    }
}
