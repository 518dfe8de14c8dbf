import BerthFuzzing

FuzzDriver.run { data, size in
    ConfigFuzzing.deploymentConfig(FuzzInput(data, size))
    return 0
}
