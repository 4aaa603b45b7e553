namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>A Parzen-window estimate: the mean log-likelihood of the test images in nats, its standard error over them,
/// the bandwidth σ chosen, the held-out images' mean at that σ, and whether σ fell on an edge of the grid (then a wider
/// grid might have done better).</summary>
public sealed record ParzenEstimate(double Sigma, double LogLikelihood, double StandardError, double ValidationLogLikelihood, bool SigmaAtGridEdge);
