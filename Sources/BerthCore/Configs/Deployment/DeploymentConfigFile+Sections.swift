extension DeploymentConfigFile {
    /// `containerResourceRequirements` as written. The limits are also accepted as `cpu_limit` and
    /// `memory_limit`, a spelling some of Azure's docs used.
    public struct ContainerResourceRequirements: Sendable, Codable, Hashable {
        public var cpu: Double?
        public var memoryInGB: Double?
        public var cpuLimit: Double?
        public var memoryInGBLimit: Double?

        public init(cpu: Double? = nil, memoryInGB: Double? = nil, cpuLimit: Double? = nil, memoryInGBLimit: Double? = nil) {
            self.cpu = cpu
            self.memoryInGB = memoryInGB
            self.cpuLimit = cpuLimit
            self.memoryInGBLimit = memoryInGBLimit
        }
    }

    /// `autoScaler` as written.
    public struct AutoScaler: Sendable, Codable, Hashable {
        public var autoscaleEnabled: Bool?
        public var minReplicas: Int?
        public var maxReplicas: Int?
        public var refreshPeriodInSeconds: Int?
        public var targetUtilization: Int?

        public init(
            autoscaleEnabled: Bool? = nil,
            minReplicas: Int? = nil,
            maxReplicas: Int? = nil,
            refreshPeriodInSeconds: Int? = nil,
            targetUtilization: Int? = nil
        ) {
            self.autoscaleEnabled = autoscaleEnabled
            self.minReplicas = minReplicas
            self.maxReplicas = maxReplicas
            self.refreshPeriodInSeconds = refreshPeriodInSeconds
            self.targetUtilization = targetUtilization
        }

        /// The tuning fields that are set, with their names, for the "provided without enabling
        /// autoscaling" rule.
        var tuningFields: [(name: String, value: Int)] {
            [
                ("minReplicas", minReplicas), ("maxReplicas", maxReplicas),
                ("refreshPeriodInSeconds", refreshPeriodInSeconds), ("targetUtilization", targetUtilization),
            ].compactMap { name, value in value.map { (name, $0) } }
        }
    }

    /// `livenessProbeRequirements` as written.
    public struct LivenessProbeRequirements: Sendable, Codable, Hashable {
        public var periodSeconds: Int?
        public var initialDelaySeconds: Int?
        public var timeoutSeconds: Int?
        public var failureThreshold: Int?
        public var successThreshold: Int?

        public init(
            periodSeconds: Int? = nil,
            initialDelaySeconds: Int? = nil,
            timeoutSeconds: Int? = nil,
            failureThreshold: Int? = nil,
            successThreshold: Int? = nil
        ) {
            self.periodSeconds = periodSeconds
            self.initialDelaySeconds = initialDelaySeconds
            self.timeoutSeconds = timeoutSeconds
            self.failureThreshold = failureThreshold
            self.successThreshold = successThreshold
        }
    }

    /// `dataCollection` as written.
    public struct DataCollection: Sendable, Codable, Hashable {
        public var storageEnabled: Bool?
        public var eventHubEnabled: Bool?

        public init(storageEnabled: Bool? = nil, eventHubEnabled: Bool? = nil) {
            self.storageEnabled = storageEnabled
            self.eventHubEnabled = eventHubEnabled
        }
    }

    /// `keys`: service keys the user chose. Never logged or echoed.
    public struct Keys: Sendable, Codable, Hashable, CustomStringConvertible {
        public var primaryKey: String?
        public var secondaryKey: String?

        public init(primaryKey: String? = nil, secondaryKey: String? = nil) {
            self.primaryKey = primaryKey
            self.secondaryKey = secondaryKey
        }

        /// Redacted, so a key never reaches a log line by accident.
        public var description: String {
            "Keys(primaryKey: \(primaryKey == nil ? "nil" : "<redacted>"), "
                + "secondaryKey: \(secondaryKey == nil ? "nil" : "<redacted>"))"
        }
    }
}
