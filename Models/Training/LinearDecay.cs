namespace NeuralPipelines.Models.Training;

/// <summary>pix2pix's and CycleGAN's "linear" policy, step by step: η stays at its base value until the last K epochs of
/// E, then falls in a straight line, η·(E − p)/K at progress p = epoch + batch/batches, from η where the decay starts to
/// η/(K·batches) at the last step. The generative models and the colorizer both take their rate from here.</summary>
public static class LinearDecay
{
    /// <param name="epoch">0-based epoch, counted as <paramref name="totalEpochs"/> is.</param>
    /// <param name="decayEpochs">K; 0 keeps η constant.</param>
    public static float RateAt(float rate, int totalEpochs, int decayEpochs, int epoch, int batch, int batches)
    {
        double left = totalEpochs - (epoch + (double)batch / batches);
        return decayEpochs <= 0 || left >= decayEpochs ? rate : (float)(rate * left / decayEpochs);
    }
}
