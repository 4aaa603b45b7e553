namespace NeuralPipelines.Benchmarks.Race;

/// <summary>The processor a figure was measured on, as docs/BENCHMARKS.md quotes it: vendor, family/model, cores.</summary>
public static class Cpu
{
    /// <summary>E.g. "GenuineIntel family 6 model 207 (Intel(R) Xeon(R) Processor), 2 cores, widest SIMD Vector512".</summary>
    public static string Description
    {
        get
        {
            string vendor = "?", family = "?", model = "?", name = "?";
            try
            {
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    int colon = line.IndexOf(':');
                    if (colon < 0) continue;
                    string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
                    if (key == "vendor_id") vendor = value;
                    else if (key == "cpu family") family = value;
                    else if (key == "model") model = value;
                    else if (key == "model name") { name = value; break; }
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return $"{vendor} family {family} model {model} ({name}), {Environment.ProcessorCount} cores, " +
                   $"widest SIMD {Models.Kernels.SimdWidth.Hardware}, kernels at {Models.Kernels.SimdWidth.Current}";
        }
    }
}
