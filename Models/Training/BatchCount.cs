namespace NeuralPipelines.Models.Training;

/// <summary>How many mini-batches an epoch of <c>items</c> items makes: the one place every training loop (classifier,
/// generative, colorizer) counts them.</summary>
/// <remarks>Not <c>(items + batchSize − 1) / batchSize</c>: that sum overflows when the batch size is near
/// <see cref="int.MaxValue"/> (a user's "one batch of everything"), giving a negative count, so the epoch trained no step
/// and the untrained network was saved as trained.</remarks>
public static class BatchCount
{
    public static int Of(int items, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return items / batchSize + (items % batchSize == 0 ? 0 : 1);
    }
}
