namespace NeuralPipelines.Models.Generative.Gan;

/// <summary>Top-k training of a GAN's generator (Sinha et al. 2020, "Top-k Training of GANs: Improving GAN Performance by
/// Throwing Away Bad Samples"): G learns only from the samples of its batch that D rates most real, so the gradient of
/// its worst samples, which push it towards whatever D dislikes least rather than towards the data, is dropped.</summary>
/// <remarks>C_G becomes the mean of the per-sample costs over the k kept samples. Given the gradient of the mean over all
/// n, that is: the kept entries times n/k, the others 0. Ties at the threshold keep every tied sample.</remarks>
public sealed class TopKSelection
{
    private float[] _sorted = [];

    /// <param name="fraction">The share of the batch kept, in (0, 1]; k = round(fraction·n), at least 1.</param>
    public TopKSelection(float fraction)
    {
        if (!(fraction > 0 && fraction <= 1)) throw new ArgumentException($"Top-k keeps a fraction of the batch in (0, 1], got {fraction}.");
        Fraction = fraction;
    }

    public float Fraction { get; }

    /// <summary>How many of <paramref name="n"/> samples are kept.</summary>
    public int Keep(int n) => Math.Max(1, (int)Math.Round(Fraction * n));

    /// <summary>Turns <paramref name="gradient"/>, ∂(mean over all n of the per-sample costs)/∂logit, into the gradient of
    /// the mean over the k samples with the highest <paramref name="logits"/> (one logit per sample).</summary>
    public void Apply(ReadOnlySpan<float> logits, Span<float> gradient)
    {
        if (logits.Length != gradient.Length)
            throw new ArgumentException($"Top-k: {logits.Length} logits but {gradient.Length} gradient entries.");
        int n = logits.Length, keep = Keep(n);
        if (keep == n) return;
        if (_sorted.Length < n) _sorted = new float[n];   // grow-only: an epoch's short last batch reuses it
        logits.CopyTo(_sorted);
        Array.Sort(_sorted, 0, n);
        float threshold = _sorted[n - keep];
        for (int i = 0; i < n; i++) gradient[i] = logits[i] >= threshold ? gradient[i] * n / keep : 0f;
    }
}
