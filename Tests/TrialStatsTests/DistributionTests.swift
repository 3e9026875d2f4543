import Foundation
import Testing
import TrialStats

/// The normal and t distributions against tabulated values.
struct DistributionTests {
    @Test("the normal 97.5 % and 80 % quantiles are the tabulated 1.959963984540054 and 0.8416212335729143")
    func normalQuantiles() {
        #expect(abs(Normal.quantile(0.975) - 1.959963984540054) < 1e-14)
        #expect(abs(Normal.quantile(0.8) - 0.8416212335729143) < 1e-14)
        #expect(abs(Normal.quantile(1e-10) + 6.361340902404056) < 1e-11)
    }

    @Test("the normal cdf keeps relative precision far in the tail: Φ(−10) = 7.619853024160527e-24")
    func normalTail() {
        #expect(abs(Normal.cdf(-10) / 7.619853024160527e-24 - 1) < 1e-12)
        #expect(abs(Normal.twoSidedP(1.959963984540054) - 0.05) < 1e-15)
    }

    @Test("t with 1 df is Cauchy (P(T ≤ 1) = 3/4); with 2 df P(T ≤ t) = 1/2 + t / (2√(t² + 2))")
    func studentClosedForms() {
        #expect(abs(StudentT.cdf(1, df: 1) - 0.75) < 1e-14)
        for t in [-3.0, -0.5, 0.7, 4.0] {
            #expect(abs(StudentT.cdf(t, df: 2) - (0.5 + t / (2 * (t * t + 2).squareRoot()))) < 1e-14)
        }
    }

    @Test("the t quantiles are the tabulated 2.228138851986274 (10 df) and 4.302652729749464 (2 df)")
    func studentQuantiles() {
        #expect(abs(StudentT.quantile(0.975, df: 10) - 2.228138851986274) < 1e-11)
        #expect(abs(StudentT.quantile(0.975, df: 2) - 4.302652729749464) < 1e-11)
        #expect(abs(StudentT.twoSidedP(2.228138851986274, df: 10) - 0.05) < 1e-12)
    }
}
