import Testing
import Foundation
@testable import Notebook
import Datasets

@Test func smoke() {
    guard ProcessInfo.processInfo.environment["SMOKE"] != nil else { return }
    let s = Session(seed: 0, dataDirectory: DataDirectory(root: "/work/main/datasets/data"))
    let cells = ProcessInfo.processInfo.environment["CELLS"].map { $0.components(separatedBy: "||") } ?? [
        "x = tensor([[1, 2], [3, 4]])", "x", "x.shape", "x * 2 + 1", "x @ x", "x.sum(dim=0)", "x.mean()",
        "w = tensor([0.5, -1.0], requires_grad=True)", "w", "loss = (w * tensor([2, 3])).sum()", "loss", "loss.backward(); w.grad",
        "randn(2, 3)", "randn(100, 100)", "zeros(3)[1:]", "arange(10)[::-1]", "x[0, 1] = 7; x", "x[:, 0]",
        "for i in range(3): print(i, i ** 2)", "a = 1; a += 2; a", "7 // 2, 7 % 3", "7 // 2", "-7 % 3", "2 ** -1", "not 0 and 3",
        "randm(3)", "zeros(2, 3) @ zeros(2, 3)", "x.foo", "tensor([[1, 2], [3]])", "(1 + 2", "1 +", "help(randn)", "randn?", "x.sum?", "vars()",
        "net = Sequential(Linear(784, 32), ReLU(), Linear(32, 10))", "net", "net(zeros(2, 784)).shape", "net(zeros(2, 1, 28, 28))",
        "data = mnist()", "data", "show(data.image(0))", "xs = data.images(0, 4); xs.shape", "opt = SGD(net.parameters(), lr=0.1)", "opt",
        "plot([3, 2, 1.5, 1.2, 1.1])", "hist(randn(1000))", "heatmap(randn(3, 4))", "graph(loss)", "zeros(100000, 100000)", "range(10**9)",
        "x.reshape(4, 1)", "x.reshape(3, 2)", "softmax(tensor([1, 2, 3]))", "cross_entropy(randn(4, 10), tensor([1, 2, 3, 4]))",
        "conv = Conv2d(1, 4, 3, padding=1); conv(zeros(2, 1, 28, 28)).shape", "help()",
    ]
    for c in cells {
        print(">>> " + c)
        for l in s.run(c).lines { print(l) }
    }
}
