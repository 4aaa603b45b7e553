namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>The sweeps' inputs: MNIST's shipped pixels (many exact zeros, runs of equal values, so ties and masks are
/// real), shifted to take both signs and scaled per input.</summary>
public static class TwinData
{
    private static float[] Source => Training.MnistTrainingTests.Mnist.Value.Train.Pixels;

    /// <summary><paramref name="length"/> pixels from <paramref name="offset"/> on, each p·<paramref name="scale"/> + <paramref name="shift"/>.</summary>
    public static float[] Pixels(long length, int offset, float shift, float scale = 1f)
    {
        var pixels = Source;
        var x = new float[length];
        for (long i = 0; i < length; i++) x[i] = pixels[(i * 3 + offset) % pixels.Length] * scale + shift;
        return x;
    }

    /// <summary>An output buffer in which every element must be written: all NaN.</summary>
    public static float[] Unwritten(long length)
    {
        var x = new float[length];
        Array.Fill(x, float.NaN);
        return x;
    }

    public static float[] Abs(float[] x) => Array.ConvertAll(x, MathF.Abs);

    public static float[][] Copy(float[][] x) => Array.ConvertAll(x, a => (float[])a.Clone());
}
