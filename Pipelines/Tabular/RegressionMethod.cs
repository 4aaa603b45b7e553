namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>How <see cref="TabularRegression"/> fits a linear model.</summary>
public enum RegressionMethod
{
    /// <summary>Ordinary least squares in closed form (our QR solver).</summary>
    ClosedForm,
    /// <summary>Closed form with a ridge penalty λ.</summary>
    Ridge,
    /// <summary>Our plain full-batch gradient descent on standardised features.</summary>
    GradientDescent,
    /// <summary>ML.NET's SDCA behind NormalizeMeanVariance.</summary>
    Sdca,
    /// <summary>ML.NET's OnlineGradientDescent behind NormalizeMeanVariance.</summary>
    OnlineGradientDescent,
}
