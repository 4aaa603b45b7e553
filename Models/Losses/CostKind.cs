namespace NeuralPipelines.Models.Losses;

/// <summary>The costs a classifier is trained with (names: quadratic, cross-entropy, log-likelihood).</summary>
public enum CostKind
{
    /// <summary>½‖a − y‖² on the network's own output layer (Nielsen ch. 1).</summary>
    Quadratic,
    /// <summary>Sigmoid outputs with the cross-entropy cost, on logits (Nielsen ch. 3).</summary>
    CrossEntropy,
    /// <summary>Softmax outputs with the log-likelihood cost, on logits (Nielsen ch. 3).</summary>
    LogLikelihood,
}
