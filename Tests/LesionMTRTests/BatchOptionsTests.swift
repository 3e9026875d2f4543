import Testing
import LesionMTR

/// `--jobs N` is the number of cores a batch uses (README, "batch").
@Suite("Batch cores")
struct BatchOptionsTests {
    private func options(jobs: Int) -> BatchOptions {
        var o = BatchOptions()
        o.jobs = jobs
        return o
    }

    @Test("--jobs 1 keeps every subject on one core")
    func oneJobOneCore() {
        #expect(options(jobs: 1).threadsPerSubject(subjects: 20) == 1)
        #expect(options(jobs: 1).threadsPerSubject(subjects: 1) == 1)
    }

    @Test("with at least as many subjects as jobs, each subject runs on one core")
    func manySubjects() {
        #expect(options(jobs: 2).threadsPerSubject(subjects: 20) == 1)
        #expect(options(jobs: 8).threadsPerSubject(subjects: 8) == 1)
    }

    @Test("with fewer subjects than jobs, the subjects share the spare cores (whole threads)")
    func fewSubjects() {
        #expect(options(jobs: 2).threadsPerSubject(subjects: 1) == 2)
        #expect(options(jobs: 8).threadsPerSubject(subjects: 3) == 2)  // 3 subjects × 2 threads ≤ 8 cores
        #expect(options(jobs: 4).threadsPerSubject(subjects: 0) == 4)
    }
}
