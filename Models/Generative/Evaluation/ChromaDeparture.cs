namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>How far a colorizer's chroma departs from a baseline's (L1 alone) and whether the departure points towards the
/// photo's own chroma: the question behind pix2pix's PSNR cost. All errors are mean squares over every a*, b* value in the
/// model's scaled units (÷ 110).</summary>
/// <remarks>
/// <para>With p the model's chroma, b the baseline's and t the truth's, the squared error splits exactly:
/// |p − t|² = |p − b|² + |b − t|² − 2⟨p − b, t − b⟩. A departure that knows something about the photo (correlation &gt; 0)
/// pays back part of its size; one uncorrelated with the truth's own departure adds its whole size to the error.</para>
/// <para>The bound this measures against: if the baseline were the conditional mean of the chroma given L and the model an
/// ideal sampler from that conditional distribution, the correlation would be 0 and the departure as large as the
/// baseline's error, so the model's error would be twice the baseline's: 10·log₁₀ 2 = 3.01 dB of PSNR, however good both
/// networks are. Realistic saturation bought by sampling costs that much against a regressor.</para>
/// </remarks>
/// <param name="ModelError">Mean |p − t|².</param>
/// <param name="BaselineError">Mean |b − t|².</param>
/// <param name="DepartureSize">Mean |p − b|².</param>
/// <param name="Correlation">⟨p − b, t − b⟩ ÷ (|p − b|·|t − b|): 1 when the model moves exactly towards the truth, 0 when its
/// move is unrelated to where the truth lies.</param>
public sealed record ChromaDeparture(double ModelError, double BaselineError, double DepartureSize, double Correlation)
{
    /// <exception cref="ArgumentException">The three chroma blocks differ in length.</exception>
    public static ChromaDeparture Of(ReadOnlySpan<float> model, ReadOnlySpan<float> baseline, ReadOnlySpan<float> truth)
    {
        if (model.Length != truth.Length || baseline.Length != truth.Length || truth.Length == 0)
            throw new ArgumentException($"Chroma departure needs three blocks of the same non-zero length: model {model.Length}, baseline {baseline.Length}, truth {truth.Length} values.");
        double modelError = 0, baselineError = 0, departure = 0, cross = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            double toTruth = truth[i] - baseline[i], moved = model[i] - baseline[i], miss = model[i] - truth[i];
            modelError += miss * miss;
            baselineError += toTruth * toTruth;
            departure += moved * moved;
            cross += moved * toTruth;
        }
        double n = truth.Length, norms = Math.Sqrt(departure * baselineError);
        return new ChromaDeparture(modelError / n, baselineError / n, departure / n, norms == 0 ? 0 : cross / norms);
    }
}
