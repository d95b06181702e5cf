import Foundation
import Testing

/// What `Fixtures/check_exports.py` recorded when it ran the exported lessons and a `--weights` session with real
/// torch (by hand: CI has no torch). These tests keep the record honest: a re-run that found a script failing,
/// numbers that differ, or a session check that does not agree makes them fail.
@Suite struct TorchAgreementTests {
    struct Lesson: Decodable {
        let quick: Bool
        let script_exit: Int
        let lines_with_numbers: Int
        let same_numbers_in_ganbook: Int
        let lines_not_in_ganbook: [String]
    }
    struct Session: Decodable {
        let check_exit: Int
        let check: [String]
    }
    struct Record: Decodable {
        let torch: String
        let lessons: [String: Lesson]
        let session: Session
    }

    static func record() throws -> Record {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/torch_agreement.json").path
        return try JSONDecoder().decode(Record.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func lessonsOneTwoAndFiveRanUnderTorch() throws {
        let r = try TorchAgreementTests.record()
        #expect(Set(r.lessons.keys) == ["01-tensors", "02-gradient-descent", "05-gan"])
        for (name, lesson) in r.lessons {
            #expect(lesson.script_exit == 0, "\(name)")
            #expect(lesson.lines_with_numbers > 40, "\(name)")
        }
    }

    /// Lesson 1 is deterministic but for one `randn` and one random batch: every other line of numbers is ganbook's.
    @Test func lessonOnePrintsTheLessonsNumbers() throws {
        let one = try #require(try TorchAgreementTests.record().lessons["01-tensors"])
        #expect(one.lines_with_numbers - one.same_numbers_in_ganbook <= 6)
        #expect(one.lines_not_in_ganbook.allSatisfy { $0.contains("tensor([") || $0.hasPrefix("        [") || $0.hasPrefix("mnist:") })
    }

    @Test func theSessionsGANAgreesWithPyTorch() throws {
        let s = try TorchAgreementTests.record().session
        #expect(s.check_exit == 0)
        #expect(s.check.filter { $0.contains("(agrees") }.count == 2)
    }
}
