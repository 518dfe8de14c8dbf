import BerthCore
import Testing

/// `containerResourceRequirements.cpuLimit` as the CFS quota a cgroup enforces: the numbers a
/// Kubernetes Pod with that CPU limit gets.
struct CPUQuotaTests {
    @Test(
        "cpuLimit becomes cpu.max 'quota period' with the kernel's 100 ms period",
        arguments: [
            (0.5, "50000 100000"), (1, "100000 100000"), (2, "200000 100000"), (0.25, "25000 100000"),
            (1.5, "150000 100000"), (0.1, "10000 100000"),
        ])
    func cpuMaxText(cores: Double, expected: String) throws {
        let quota = try #require(CPUQuota(cores: cores))
        #expect(quota.cpuMax == expected)
        #expect(quota.cfsPeriod == "100000")
        #expect(quota.cfsQuota == String(expected.split(separator: " ")[0]))
    }

    @Test("A limit below 1 ms per period gets the kernel's smallest quota, not a refused write")
    func tinyLimitsGetTheMinimumQuota() throws {
        #expect(try #require(CPUQuota(cores: 0.001)).cpuMax == "1000 100000")
        #expect(try #require(CPUQuota(cores: 0.004)).quotaMicroseconds == 1000)
    }

    @Test("No limit for zero, negative or non-finite cores", arguments: [0, -1, Double.infinity, Double.nan])
    func nonPositiveCoresAreNoLimit(cores: Double) {
        #expect(CPUQuota(cores: cores) == nil)
    }

    @Test("The limit is shown as written")
    func coresDescription() throws {
        #expect(try #require(CPUQuota(cores: 2)).coresDescription == "2")
        #expect(try #require(CPUQuota(cores: 0.5)).coresDescription == "0.5")
    }

    @Test("Another period scales the quota with it")
    func otherPeriod() throws {
        #expect(try #require(CPUQuota(cores: 0.5, periodMicroseconds: 50_000)).cpuMax == "25000 50000")
    }
}
