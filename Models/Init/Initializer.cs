namespace NeuralPipelines.Models.Init;

/// <summary>How initial weights are drawn (Nielsen ch. 3; He et al. 2015; Glorot and Bengio 2010).</summary>
public enum Initializer
{
    /// <summary>N(0, 1/n_in): Nielsen's "scaled" initialisation, keeps z = w·x + b from saturating sigmoids.</summary>
    Scaled,
    /// <summary>N(0, 1): Nielsen's first network; saturates wide sigmoid layers.</summary>
    Normal,
    /// <summary>N(0, 2/n_in): keeps ReLU activations' variance constant across layers.</summary>
    He,
    /// <summary>U(±√(6/(n_in+n_out))): keeps variance for tanh/sigmoid both forward and backward.</summary>
    Xavier,
    /// <summary>N(0, 0.02²) whatever the fan: Radford et al. 2015 draw every weight of a DCGAN so, and batch-norm after
    /// each layer rescales what the small weights start with.</summary>
    Dcgan,
}
