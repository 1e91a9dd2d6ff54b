"""altcraft-campaigns: a Pulumi dynamic provider for the on/off state of Altcraft campaigns."""
