namespace NeuralPipelines.Onnx.Metadata;

/// <summary>x' = (x − mean) / std, with one value for all inputs or one per channel (axis 1 of NCHW, or per feature).</summary>
public sealed record InputNormalization(float[] Mean, float[] Std)
{
    /// <summary>Checks the sizes against the per-example input shape; the message names both.</summary>
    public void Validate(int[] inputShape)
    {
        int channels = inputShape.Length == 0 ? 1 : inputShape[0];
        if (Mean.Length != Std.Length)
            throw new ArgumentException($"Normalisation has {Mean.Length} means but {Std.Length} standard deviations.");
        if (Mean.Length != 1 && Mean.Length != channels)
            throw new ArgumentException($"Normalisation has {Mean.Length} values but the input shape {Models.Tensors.Tensor.ShapeText(inputShape)} has {channels} channels.");
        foreach (float s in Std)
            if (!(s > 0)) throw new ArgumentException($"Normalisation standard deviation {s} is not positive.");
    }

    /// <summary>Applies the normalisation to NCHW (or N×features) data in place: the same arithmetic as the exported graph.</summary>
    public void Apply(Span<float> data, int[] inputShape)
    {
        int perExample = inputShape.Aggregate(1, (a, b) => a * b);
        int channels = Mean.Length;
        int perChannel = perExample / channels;
        for (int i = 0; i < data.Length; i++)
        {
            int c = (i % perExample) / perChannel;
            data[i] = (data[i] - Mean[c]) / Std[c];
        }
    }
}
