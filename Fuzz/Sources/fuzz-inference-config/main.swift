import BerthFuzzing

FuzzDriver.run { data, size in
    ConfigFuzzing.inferenceConfig(FuzzInput(data, size))
    return 0
}
