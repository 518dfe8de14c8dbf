import BerthFuzzing

FuzzDriver.run { data, size in
    LoadReportFuzzing.test(FuzzInput(data, size))
    return 0
}
